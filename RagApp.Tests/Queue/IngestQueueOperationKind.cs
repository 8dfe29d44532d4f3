namespace RagApp.Tests.Queue;

/// <summary>The steps a model-based run of the ingest queue is made of (see <see cref="IngestQueueOperation"/>).</summary>
public enum IngestQueueOperationKind
{
    Enqueue,

    /// <summary>Enqueues a job id that already exists: refused, nothing changes.</summary>
    EnqueueExistingId,

    EnqueueDelete,

    /// <summary>Leases with the long lease, after the queue's housekeeping (due retries, expired leases).</summary>
    Lease,

    /// <summary>Leases with a short lease and waits until the server's clock has passed its deadline.</summary>
    LeaseAndLetExpire,

    Renew,
    Complete,
    Fail,
    Release,
    Retry,
    RetryAll,
}
