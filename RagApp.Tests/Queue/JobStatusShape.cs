using RagApp.Core.Queue;

namespace RagApp.Tests.Queue;

/// <summary>
/// What the model predicts of a <see cref="JobStatus"/>: every field but the server's timestamps, of which only
/// presence is predictable.
/// </summary>
public sealed record JobStatusShape(
    JobState State,
    JobKind Kind,
    long DocumentVersion,
    long PayloadBytes,
    int Attempts,
    int Failures,
    int LeaseExpiries,
    int Deferrals,
    string? Error,
    bool DeadLettered,
    bool Retryable,
    int? ChunkCount,
    int? EmbeddedChunks,
    int? CachedChunks,
    bool Started,
    bool Completed,
    bool RetryScheduled)
{
    public static JobStatusShape Of(JobStatus status) => new(
        status.State, status.Kind, status.DocumentVersion, status.PayloadBytes, status.Attempts, status.Failures,
        status.LeaseExpiries, status.Deferrals, status.Error, status.DeadLettered, status.Retryable, status.ChunkCount,
        status.EmbeddedChunks, status.CachedChunks, status.StartedAt is not null, status.CompletedAt is not null,
        status.NextAttemptAt is not null);
}
