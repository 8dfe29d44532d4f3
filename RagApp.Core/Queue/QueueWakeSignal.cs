namespace RagApp.Core.Queue;

/// <summary>
/// Lets waiting consumers sleep until a "job ready" notification or their poll interval, whichever comes first.
/// Take <see cref="Next"/> before looking for work, so that a notification arriving meanwhile is not missed.
/// </summary>
internal sealed class QueueWakeSignal
{
    private TaskCompletionSource _next = NewSource();

    public Task Next => Volatile.Read(ref _next).Task;

    public void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
