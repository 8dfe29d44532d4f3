namespace RagApp.Core.Queue;

/// <summary>A queued job's place in its document's history.</summary>
/// <param name="DocumentVersion">The version the queue gave this submission of the document (see <see cref="IngestJob.DocumentVersion"/>).</param>
public sealed record EnqueueResult(long DocumentVersion);
