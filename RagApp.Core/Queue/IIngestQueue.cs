namespace RagApp.Core.Queue;

/// <summary>
/// The reliable ingest job queue shared by the gateway (producer) and the ingest workers (consumers). Delivery is
/// at least once: a job whose lease expires is handed out again, so processing must be idempotent.
/// Every state change is one atomic server-side script, so the queue behaves the same on Redis and Garnet.
/// </summary>
public interface IIngestQueue
{
    /// <summary>
    /// Stores the payload and the job, sets its status to <see cref="JobState.Queued"/> and queues it, atomically.
    /// </summary>
    /// <exception cref="QueueFullException">The payload would take the queue past its byte budget; nothing was stored.</exception>
    /// <exception cref="InvalidOperationException">A job with this id already exists.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload alone is larger than the whole budget.</exception>
    Task EnqueueAsync(IngestJob job, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>
    /// Leases the oldest ready job to <paramref name="consumerId"/>, waiting up to <paramref name="wait"/> for one.
    /// Due retries are promoted and expired leases requeued first. Returns null when nothing arrived in time.
    /// </summary>
    Task<LeasedJob?> LeaseAsync(string consumerId, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Extends the lease by <see cref="IngestQueueOptions.LeaseDuration"/> from now; false when it was lost.</summary>
    Task<bool> RenewLeaseAsync(LeasedJob lease, CancellationToken cancellationToken);

    /// <summary>
    /// Acknowledges a job as <see cref="JobState.Succeeded"/> or <see cref="JobState.Unchanged"/>: deletes its payload,
    /// releases its bytes and keeps its status for <see cref="IngestQueueOptions.StatusRetention"/>.
    /// Returns false (and changes nothing) when the lease was lost.
    /// </summary>
    Task<bool> CompleteAsync(LeasedJob lease, JobResult result, CancellationToken cancellationToken);

    /// <summary>
    /// Reports a failed attempt. A transient failure is retried after an exponential backoff until
    /// <see cref="IngestQueueOptions.MaxAttempts"/>; a permanent one, or the last attempt, is dead-lettered.
    /// Returns false (and changes nothing) when the lease was lost.
    /// </summary>
    Task<bool> FailAsync(LeasedJob lease, string error, bool permanent, CancellationToken cancellationToken);

    Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken);
}
