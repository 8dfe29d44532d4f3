namespace RagApp.Core.Queue;

/// <summary>
/// What the gateway hands the ingest worker, besides the document bytes. <see cref="TraceParent"/> and
/// <see cref="TraceState"/> carry the W3C trace context across the queue so that ingestion joins the upload's trace.
/// </summary>
/// <remarks>Timestamps are stored with millisecond precision.</remarks>
public sealed record IngestJob(
    string JobId,
    string DocumentId,
    string? Title,
    string? SourceName,
    string ContentType,
    IReadOnlyDictionary<string, string> Metadata,
    string? TraceParent,
    string? TraceState,
    DateTimeOffset CreatedAt);
