using RagApp.Core.Queue;

namespace RagApp.Gateway.Apis;

/// <summary>An ingest job as the REST API shows it. Timings are in milliseconds.</summary>
public sealed record JobStatusResponse(
    string JobId,
    string DocumentId,
    string Status,
    int Attempts,
    string? Error,
    int? ChunkCount,
    int? EmbeddedChunks,
    int? CachedChunks,
    bool DeadLettered,
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
        status.State.ToString().ToLowerInvariant(),
        status.Attempts,
        status.Error,
        status.ChunkCount,
        status.EmbeddedChunks,
        status.CachedChunks,
        status.DeadLettered,
        status.CreatedAt,
        status.UpdatedAt,
        status.StartedAt,
        status.CompletedAt,
        status.NextAttemptAt,
        status.StartedAt is { } started ? (started - status.CreatedAt).TotalMilliseconds : null,
        status.StartedAt is { } start && status.CompletedAt is { } end ? (end - start).TotalMilliseconds : null);
}
