namespace RagApp.Core.Queue;

/// <summary>What <see cref="IIngestQueue.RetryFailedAsync"/> did with the dead-letter list.</summary>
/// <param name="Requeued">Jobs queued again.</param>
/// <param name="NotRetryable">Dead letters that cannot run again (rejected documents, released payloads).</param>
public sealed record RetryAllResult(int Requeued, int NotRetryable);
