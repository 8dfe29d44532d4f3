namespace RagApp.Core.Queue;

/// <summary>
/// Field names of the job:{id} hash. <see cref="Snapshot"/> is the order in which scripts read (HMGET) and publish a
/// job, so a status read and a status notification parse the same way.
/// </summary>
internal static class JobStatusFields
{
    public const string JobId = "jobId";
    public const string DocumentId = "documentId";
    public const string Title = "title";
    public const string SourceName = "sourceName";
    public const string ContentType = "contentType";
    public const string Metadata = "metadata";
    public const string TraceParent = "traceParent";
    public const string TraceState = "traceState";
    public const string CreatedAt = "createdAt";
    public const string State = "state";
    public const string Attempts = "attempts";
    public const string Error = "error";
    public const string ChunkCount = "chunkCount";
    public const string EmbeddedChunks = "embeddedChunks";
    public const string CachedChunks = "cachedChunks";
    public const string UpdatedAt = "updatedAt";
    public const string StartedAt = "startedAt";
    public const string CompletedAt = "completedAt";
    public const string NextAttemptAt = "nextAttemptAt";
    public const string PayloadBytes = "payloadBytes";
    public const string DeadLettered = "deadLettered";
    public const string Kind = "kind";
    public const string DocumentVersion = "documentVersion";
    public const string Failures = "failures";
    public const string Expiries = "expiries";
    public const string Deferrals = "deferrals";
    public const string Retryable = "retryable";

    /// <summary>Incremented by every state change; lets a watcher drop notifications it already read.</summary>
    public const string Version = "version";

    /// <summary>The current lease token; never published.</summary>
    public const string Lease = "lease";

    /// <summary>The consumer holding the lease, for operators.</summary>
    public const string Consumer = "consumer";

    public static readonly string[] Snapshot =
    [
        JobId, DocumentId, Title, SourceName, ContentType, Metadata, TraceParent, TraceState, CreatedAt,
        State, Attempts, Error, ChunkCount, UpdatedAt, StartedAt, CompletedAt, NextAttemptAt, PayloadBytes,
        DeadLettered, Version, EmbeddedChunks, CachedChunks, Kind, DocumentVersion, Failures, Expiries, Deferrals, Retryable,
    ];
}
