namespace RagApp.Core.Queue;

/// <summary>
/// What the gateway hands the ingest worker, besides the document bytes. <see cref="TraceParent"/> and
/// <see cref="TraceState"/> carry the W3C trace context across the queue so that ingestion joins the upload's trace.
/// </summary>
/// <param name="CreatedAt">When the job was queued, by the Redis server's clock (set by the queue; the value given to
/// <see cref="IIngestQueue.EnqueueAsync"/> is not stored). Millisecond precision.</param>
/// <param name="Kind">Index the payload, or delete the document (no payload).</param>
/// <param name="DocumentVersion">
/// The submission's place among all submissions of <see cref="DocumentId"/>, assigned by the queue in the same atomic step
/// that queues it (0 until then): the index refuses a change older than the one it holds, so the newest submission wins
/// whatever order the jobs finish in.
/// </param>
public sealed record IngestJob(
    string JobId,
    string DocumentId,
    string? Title,
    string? SourceName,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    string? TraceParent,
    string? TraceState,
    DateTimeOffset CreatedAt,
    JobKind Kind = JobKind.Ingest,
    long DocumentVersion = 0);
