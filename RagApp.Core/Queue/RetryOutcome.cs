namespace RagApp.Core.Queue;

/// <summary>What <see cref="IIngestQueue.RetryAsync"/> did with a job.</summary>
public enum RetryOutcome
{
    /// <summary>The dead-lettered job is queued again.</summary>
    Requeued,

    /// <summary>No job has this id (or its status retention ran out).</summary>
    NotFound,

    /// <summary>The job is not dead-lettered: it is still queued or running, or it ended well.</summary>
    NotFailed,

    /// <summary>
    /// The job cannot run again: its document was rejected as it is (upload a corrected one), or the payload of a failed
    /// job was released after <see cref="IngestQueueOptions.FailedPayloadRetention"/>.
    /// </summary>
    NotRetryable,
}
