namespace RagApp.Core.Queue;

/// <summary>A snapshot of the queue for health checks, metrics and back-pressure decisions.</summary>
/// <param name="Ready">Jobs waiting to be leased.</param>
/// <param name="Processing">Jobs under a lease.</param>
/// <param name="Delayed">Jobs waiting for a retry.</param>
/// <param name="DeadLettered">Jobs in the dead-letter list.</param>
/// <param name="QueuedBytes">Payload bytes held for ready, processing and delayed jobs; the budget applies to this.</param>
public sealed record QueueDepth(long Ready, long Processing, long Delayed, long DeadLettered, long QueuedBytes);
