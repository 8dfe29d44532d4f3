namespace RagApp.Core.Queue;

/// <summary>Why an attempt at a job failed, which decides what the queue does with it next.</summary>
public enum FailureKind
{
    /// <summary>
    /// Something went wrong while running the job (a bug, a timeout): retried with backoff, and counted against
    /// <see cref="IngestQueueOptions.MaxAttempts"/>; the last one dead-letters the job with its payload kept for a retry.
    /// </summary>
    Transient,

    /// <summary>The document itself can never be ingested (damaged, unsupported, refused by the index): dead-lettered at once.</summary>
    Permanent,

    /// <summary>
    /// A service the job needs (RagApp.Rag, the embedding provider, Redis) did not answer. Not the document's fault:
    /// retried after a short backoff without using up an attempt, up to <see cref="IngestQueueOptions.MaxDeferrals"/> times.
    /// </summary>
    DependencyUnavailable,
}
