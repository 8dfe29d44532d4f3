namespace RagApp.Gateway.Apis;

/// <summary>The answer to <c>POST /api/v1/jobs/retry-failed</c>.</summary>
/// <param name="Requeued">Failed jobs queued again.</param>
/// <param name="NotRetryable">Failed jobs that cannot run again: their document was rejected as it is, or their payload was released.</param>
public sealed record RetryFailedResponse(int Requeued, int NotRetryable);
