namespace RagApp.Core.Queue;

/// <summary>
/// The reliable ingest job queue shared by the gateway (producer) and the ingest workers (consumers). Delivery is
/// at least once: a job whose lease expires is handed out again, so processing must be idempotent.
/// Every state change is one atomic server-side script timed by the server's clock, so the queue behaves the same on
/// Redis and Garnet and consumers with skewed clocks agree on every deadline.
/// </summary>
public interface IIngestQueue
{
    /// <summary>
    /// Stores the payload and the job, gives the submission the document's next version, sets its status to
    /// <see cref="JobState.Queued"/> and queues it, atomically.
    /// </summary>
    /// <exception cref="QueueFullException">The payload would take the queue past its byte budget; nothing was stored.</exception>
    /// <exception cref="InvalidOperationException">A job with this id already exists.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The payload alone is larger than the whole budget.</exception>
    Task<EnqueueResult> EnqueueAsync(IngestJob job, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken);

    /// <summary>
    /// Queues the deletion of <paramref name="job"/>'s document, ordered with every other submission of it by version.
    /// Returns null, queuing nothing, when there is nothing to delete: the document was never submitted and
    /// <paramref name="indexed"/> says the index does not hold it, or its last submission was a delete that succeeded.
    /// </summary>
    /// <param name="indexed">Whether the index holds the document now; null when the index could not be asked.</param>
    Task<EnqueueResult?> EnqueueDeleteAsync(IngestJob job, bool? indexed, CancellationToken cancellationToken);

    /// <summary>
    /// Leases the oldest ready job to <paramref name="consumerId"/>, waiting up to <paramref name="wait"/> for one.
    /// Due retries are promoted, expired leases requeued and kept payloads past their retention released first.
    /// Returns null when nothing arrived in time.
    /// </summary>
    Task<LeasedJob?> LeaseAsync(string consumerId, TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Extends the lease by <see cref="IngestQueueOptions.LeaseDuration"/> from now; false when it was lost.</summary>
    Task<bool> RenewLeaseAsync(LeasedJob lease, CancellationToken cancellationToken);

    /// <summary>
    /// Acknowledges a job as <see cref="JobState.Succeeded"/>, <see cref="JobState.Unchanged"/> or
    /// <see cref="JobState.Superseded"/>: deletes its payload, releases its bytes and keeps its status for
    /// <see cref="IngestQueueOptions.StatusRetention"/>. Returns false (and changes nothing) when the lease was lost.
    /// </summary>
    Task<bool> CompleteAsync(LeasedJob lease, JobResult result, CancellationToken cancellationToken);

    /// <summary>
    /// Reports a failed attempt; <paramref name="kind"/> decides what follows (see <see cref="FailureKind"/>).
    /// Returns false (and changes nothing) when the lease was lost.
    /// </summary>
    Task<bool> FailAsync(LeasedJob lease, string error, FailureKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// Hands a job back, untouched and first in line, because its consumer is stopping: no failure is counted and the
    /// next consumer need not wait for the lease to run out. Returns false when the lease was lost.
    /// </summary>
    Task<bool> ReleaseAsync(LeasedJob lease, CancellationToken cancellationToken);

    /// <summary>Queues a dead-lettered job again, if its payload is still kept.</summary>
    Task<RetryOutcome> RetryAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Queues every retryable job of the dead-letter list again.</summary>
    Task<RetryAllResult> RetryFailedAsync(CancellationToken cancellationToken);

    /// <summary>Records that <paramref name="consumerId"/> is alive and consuming.</summary>
    Task HeartbeatAsync(string consumerId, CancellationToken cancellationToken);

    /// <summary>Forgets a consumer that stops cleanly, so that health does not count on it.</summary>
    Task RemoveConsumerAsync(string consumerId, CancellationToken cancellationToken);

    Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken);

    /// <summary>Whether jobs are waiting and whether anyone consumes them, for health checks.</summary>
    Task<QueueObservation> ObserveAsync(CancellationToken cancellationToken);
}
