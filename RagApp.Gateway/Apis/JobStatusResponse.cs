using RagApp.Core.Queue;

namespace RagApp.Gateway.Apis;

/// <summary>An ingest job as the REST API shows it. Timings are in milliseconds; times are the queue server's.</summary>
/// <param name="Kind"><c>ingest</c> (an upload) or <c>delete</c>.</param>
/// <param name="DocumentVersion">The submission's version: among the jobs of one document, the highest version wins.</param>
/// <param name="Attempts">Deliveries so far, including those a crashed worker or an unreachable dependency cut short.</param>
/// <param name="Retryable">A failed job that <c>POST /api/v1/jobs/{id}/retry</c> can queue again.</param>
public sealed record JobStatusResponse(
    string JobId,
    string DocumentId,
    string Kind,
    long DocumentVersion,
    string Status,
    int Attempts,
    string? Error,
    int? ChunkCount,
    int? EmbeddedChunks,
    int? CachedChunks,
    bool DeadLettered,
    bool Retryable,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? NextAttemptAt,
    double? QueuedMs,
    double? ProcessingMs)
{
    internal static JobStatusResponse From(JobStatus status) => new(
        status.JobId,
        status.DocumentId,
        status.Kind.ToString().ToLowerInvariant(),
        status.DocumentVersion,
        status.State.ToString().ToLowerInvariant(),
        status.Attempts,
        status.Error,
        status.ChunkCount,
        status.EmbeddedChunks,
        status.CachedChunks,
        status.DeadLettered,
        status.Retryable,
        status.CreatedAt,
        status.UpdatedAt,
        status.StartedAt,
        status.CompletedAt,
        status.NextAttemptAt,
        status.StartedAt is { } started ? (started - status.CreatedAt).TotalMilliseconds : null,
        status.StartedAt is { } start && status.CompletedAt is { } end ? (end - start).TotalMilliseconds : null);
}
