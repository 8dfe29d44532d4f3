namespace RagApp.Core.Queue;

/// <summary>A job's progress as clients see it (GET /api/v1/jobs/{id}).</summary>
/// <param name="Error">The last failure; kept while a retry is pending, cleared on success.</param>
/// <param name="PayloadBytes">Size of the uploaded document the job carries.</param>
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
    int? CachedChunks = null)
{
    /// <summary>True once the job will not change again: succeeded, unchanged, or failed and dead-lettered.</summary>
    public bool IsTerminal => State is JobState.Succeeded or JobState.Unchanged || (State is JobState.Failed && DeadLettered);
}
