namespace RagApp.Tests.Queue;

/// <summary>What a consumer of the concurrent model-based test does with a job it leased.</summary>
public enum ConcurrentConsumerBehaviour
{
    Complete,
    FailTransiently,
    FailDependencyUnavailable,

    /// <summary>Drops the job as a crashed consumer would: its lease runs out and someone else takes it.</summary>
    Abandon,

    /// <summary>Completes only once the lease ran out: acknowledged if nobody took the job back yet, refused otherwise.</summary>
    CompleteAfterTheLeaseRanOut,

    RenewThenComplete,
    Release,
}
