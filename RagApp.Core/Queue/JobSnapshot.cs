using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using F = RagApp.Core.Queue.JobStatusFields;

namespace RagApp.Core.Queue;

/// <summary>
/// A job hash read in <see cref="JobStatusFields.Snapshot"/> order, either by HMGET or from a notification; and the
/// description fields the enqueue script writes into it.
/// </summary>
internal sealed record JobSnapshot(IngestJob Job, JobStatus Status, long Version)
{
    private static readonly FrozenDictionary<string, int> Position =
        F.Snapshot.Select((field, index) => (field, index)).ToFrozenDictionary(pair => pair.field, pair => pair.index);

    public static JobSnapshot? FromHash(RedisValue[] values) =>
        Parse(Array.ConvertAll(values, value => value.IsNull ? null : (string?)value));

    /// <summary>Parses a notification: a JSON array of the snapshot values, with false for absent fields.</summary>
    public static JobSnapshot? FromNotification(string json)
    {
        using var document = JsonDocument.Parse(json);
        var values = document.RootElement.EnumerateArray()
            .Select(element => element.ValueKind == JsonValueKind.String ? element.GetString() : null)
            .ToArray();
        return Parse(values);
    }

    /// <summary>Null when the job does not exist (all fields absent).</summary>
    public static JobSnapshot? Parse(IReadOnlyList<string?> values)
    {
        if (values.Count != F.Snapshot.Length)
        {
            throw new FormatException($"A job snapshot has {F.Snapshot.Length} fields, not {values.Count}.");
        }

        string? Text(string field) => values[Position[field]];
        long? Integer(string field) => Text(field) is { } text ? long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;
        DateTimeOffset? Time(string field) => Integer(field) is { } unixMs ? DateTimeOffset.FromUnixTimeMilliseconds(unixMs) : null;

        if (Text(F.JobId) is not { } jobId || Text(F.State) is not { } state)
        {
            return null;
        }

        var createdAt = Time(F.CreatedAt) ?? DateTimeOffset.UnixEpoch;
        var job = new IngestJob(
            JobId: jobId,
            DocumentId: Text(F.DocumentId) ?? "",
            Title: Text(F.Title),
            SourceName: Text(F.SourceName),
            ContentType: Text(F.ContentType) ?? "",
            Metadata: Text(F.Metadata) is { } metadata
                ? JsonSerializer.Deserialize(metadata, QueueJsonContext.Default.DictionaryStringString) ?? []
                : new Dictionary<string, string>(),
            TraceParent: Text(F.TraceParent),
            TraceState: Text(F.TraceState),
            CreatedAt: createdAt,
            Kind: Text(F.Kind) is { } kind ? Enum.Parse<JobKind>(kind) : JobKind.Ingest,
            DocumentVersion: Integer(F.DocumentVersion) ?? 0);
        var status = new JobStatus(
            JobId: jobId,
            DocumentId: job.DocumentId,
            State: Enum.Parse<JobState>(state),
            Attempts: (int)(Integer(F.Attempts) ?? 0),
            Error: Text(F.Error),
            ChunkCount: (int?)Integer(F.ChunkCount),
            CreatedAt: createdAt,
            UpdatedAt: Time(F.UpdatedAt) ?? createdAt,
            StartedAt: Time(F.StartedAt),
            CompletedAt: Time(F.CompletedAt),
            NextAttemptAt: Time(F.NextAttemptAt),
            PayloadBytes: Integer(F.PayloadBytes) ?? 0,
            DeadLettered: Text(F.DeadLettered) == "1",
            EmbeddedChunks: (int?)Integer(F.EmbeddedChunks),
            CachedChunks: (int?)Integer(F.CachedChunks),
            Kind: job.Kind,
            DocumentVersion: job.DocumentVersion,
            Failures: (int)(Integer(F.Failures) ?? 0),
            LeaseExpiries: (int)(Integer(F.Expiries) ?? 0),
            Deferrals: (int)(Integer(F.Deferrals) ?? 0),
            Retryable: Text(F.Retryable) == "1");
        return new JobSnapshot(job, status, Integer(F.Version) ?? 0);
    }

    /// <summary>
    /// The job description as HSET field/value pairs; absent values are left out. The queue adds the kind, the times and
    /// the document version itself.
    /// </summary>
    public static IEnumerable<RedisValue> DescriptionFields(IngestJob job)
    {
        (string Field, string? Value)[] fields =
        [
            (F.JobId, job.JobId),
            (F.DocumentId, job.DocumentId),
            (F.Title, job.Title),
            (F.SourceName, job.SourceName),
            (F.ContentType, job.ContentType),
            (F.Metadata, JsonSerializer.Serialize(job.Metadata.ToDictionary(), QueueJsonContext.Default.DictionaryStringString)),
            (F.TraceParent, job.TraceParent),
            (F.TraceState, job.TraceState),
        ];
        foreach (var (field, value) in fields)
        {
            if (value is not null)
            {
                yield return field;
                yield return value;
            }
        }
    }
}
