namespace RagApp.Gateway.Documents;

/// <summary>
/// What was queued. When the queue's byte budget ran out, <see cref="RetryAfter"/> is set and only the
/// first <see cref="Accepted"/> documents were queued; the rest were not (and nothing was lost).
/// </summary>
internal sealed record SubmissionResult(IReadOnlyList<DocumentAccepted> Accepted, TimeSpan? RetryAfter);
