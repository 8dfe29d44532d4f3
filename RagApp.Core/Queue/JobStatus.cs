namespace RagApp.Core.Queue;

/// <summary>A job's progress as clients see it (GET /api/v1/jobs/{id}). Times are the Redis server's.</summary>
/// <param name="Attempts">Deliveries so far: leases, including those that expired or found a dependency down.</param>
/// <param name="Error">The last failure; kept while a retry is pending, cleared on success.</param>
/// <param name="PayloadBytes">Size of the uploaded document the job carries.</param>
/// <param name="Failures">Transient failures of the job itself (counted against the attempt limit).</param>
/// <param name="LeaseExpiries">Deliveries whose consumer stopped or hung before finishing.</param>
/// <param name="Deferrals">Attempts that found a dependency unavailable (not counted against the attempt limit).</param>
/// <param name="Retryable">A dead-lettered job whose payload is kept, so it can be queued again.</param>
public sealed record JobStatus(
    string JobId,
    string DocumentId,
    JobState State,
    int Attempts,
    string? Error,
    int? ChunkCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? NextAttemptAt,
    long PayloadBytes,
    bool DeadLettered,
    int? EmbeddedChunks = null,
    int? CachedChunks = null,
    JobKind Kind = JobKind.Ingest,
    long DocumentVersion = 0,
    int Failures = 0,
    int LeaseExpiries = 0,
    int Deferrals = 0,
    bool Retryable = false)
{
    /// <summary>True once the job will not change again on its own: it ended, or failed and was dead-lettered.</summary>
    public bool IsTerminal => State is JobState.Succeeded or JobState.Unchanged or JobState.Superseded
        || (State is JobState.Failed && DeadLettered);
}
