using RagApp.Core.Queue;

namespace RagApp.Tests.Queue;

/// <summary>A job as <see cref="IngestQueueModel"/> expects the queue to hold it.</summary>
public sealed class ModelJob(string jobId, string documentId, JobKind kind, long documentVersion, int payloadBytes)
{
    public string JobId { get; } = jobId;

    public string DocumentId { get; } = documentId;

    public JobKind Kind { get; } = kind;

    public long DocumentVersion { get; } = documentVersion;

    public int PayloadBytes { get; } = payloadBytes;

    public ModelJobPlace Place { get; set; } = ModelJobPlace.Ready;

    public JobState State { get; set; } = JobState.Queued;

    public int Attempts { get; set; }

    public int Failures { get; set; }

    public int LeaseExpiries { get; set; }

    public int Deferrals { get; set; }

    public string? Error { get; set; }

    public bool Retryable { get; set; }

    public int? ChunkCount { get; set; }

    public int? EmbeddedChunks { get; set; }

    public int? CachedChunks { get; set; }

    public bool Started { get; set; }

    public bool Completed { get; set; }

    public bool RetryScheduled { get; set; }

    /// <summary>When its retry is due, by the server's clock (read from its status: the queue adds jitter).</summary>
    public DateTimeOffset RetryDueAt { get; set; }

    /// <summary>The token of the lease that holds it now; null when no lease does.</summary>
    public string? LeaseToken { get; set; }

    public DateTimeOffset LeaseExpiresAt { get; set; }

    /// <summary>Its lease ran out (by the server's clock) but no housekeeping has taken it back yet.</summary>
    public bool LeaseExpired { get; set; }

    /// <summary>How often a complete was acknowledged: must end at exactly 1 for a job that ended well.</summary>
    public int Completions { get; set; }

    public bool DeadLettered => Place == ModelJobPlace.DeadLettered;

    /// <summary>A dead-lettered job whose payload is kept for a retry, counted in the byte budget.</summary>
    public bool Retained => DeadLettered && Retryable && PayloadBytes > 0;

    /// <summary>Its payload bytes count against the budget (and its payload key exists).</summary>
    public bool HoldsBytes => PayloadBytes > 0 && (Place is ModelJobPlace.Ready or ModelJobPlace.Processing or ModelJobPlace.Delayed || Retained);

    public JobStatusShape Expected => new(
        State, Kind, DocumentVersion, PayloadBytes, Attempts, Failures, LeaseExpiries, Deferrals, Error, DeadLettered,
        DeadLettered && Retryable, ChunkCount, EmbeddedChunks, CachedChunks, Started, Completed, RetryScheduled);

    public override string ToString() => $"{JobId} ({Kind} of {DocumentId} v{DocumentVersion}, {PayloadBytes} bytes): {Place}/{State}";
}
