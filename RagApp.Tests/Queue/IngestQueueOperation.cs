using RagApp.Core.Queue;

namespace RagApp.Tests.Queue;

/// <summary>
/// One step of a model-based run. The targets are picks resolved against the model when the step runs (a lease pick
/// counts back from the newest lease handed out, stale ones included), so that any list of steps is runnable and
/// shrinks to a readable case. A step without a target (no job or lease yet) does nothing, and so does an expiry
/// past the few a run may wait for.
/// </summary>
/// <param name="Pick">Enqueue: the document (of a few); lease steps: which lease; Retry: which job (past the last: an unknown id).</param>
/// <param name="Bytes">Enqueue: the payload size.</param>
/// <param name="Variant">Complete: the outcome; Fail: the failure kind; EnqueueDelete: whether the index holds the document;
/// Lease: the consumer.</param>
public sealed record IngestQueueOperation(IngestQueueOperationKind Kind, int Pick = 0, int Bytes = 0, int Variant = 0)
{
    public static readonly JobState[] Outcomes = [JobState.Succeeded, JobState.Unchanged, JobState.Superseded];

    public static readonly FailureKind[] FailureKinds = [FailureKind.Transient, FailureKind.Permanent, FailureKind.DependencyUnavailable];

    public static readonly bool?[] Presences = [true, false, null];

    public JobState Outcome => Outcomes[Variant % Outcomes.Length];

    public FailureKind FailureKind => FailureKinds[Variant % FailureKinds.Length];

    public bool? Indexed => Presences[Variant % Presences.Length];

    public string Consumer => $"consumer-{Variant}";

    /// <summary>Lease picks count back from the newest lease handed out (modulo the leases there are).</summary>
    private string LeasePick => Pick == 0 ? "newest lease" : $"lease {Pick} before the newest";

    public override string ToString() => Kind switch
    {
        IngestQueueOperationKind.Enqueue => $"Enqueue(doc {Pick}, {Bytes} bytes)",
        IngestQueueOperationKind.EnqueueExistingId => $"EnqueueExistingId(job #{Pick})",
        IngestQueueOperationKind.EnqueueDelete => $"EnqueueDelete(doc {Pick}, indexed {Indexed?.ToString() ?? "unknown"})",
        IngestQueueOperationKind.Lease or IngestQueueOperationKind.LeaseAndLetExpire => $"{Kind}({Consumer})",
        IngestQueueOperationKind.Complete => $"Complete({LeasePick}, {Outcome})",
        IngestQueueOperationKind.Fail => $"Fail({LeasePick}, {FailureKind})",
        IngestQueueOperationKind.Renew or IngestQueueOperationKind.Release => $"{Kind}({LeasePick})",
        IngestQueueOperationKind.Retry => $"Retry(job #{Pick})",
        _ => Kind.ToString(),
    };
}
