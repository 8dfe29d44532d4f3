namespace RagApp.Tests.Queue;

/// <summary>
/// The system clock, reporting when someone starts a timer of at least a given length: how a test knows that an idle
/// consumer has gone to sleep (its long poll wait) without sleeping a fixed time itself.
/// </summary>
internal sealed class TimerWatchingClock(TimeSpan minimumDueTime) : TimeProvider
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task LongTimerStarted => _started.Task;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = TimeProvider.System.CreateTimer(callback, state, dueTime, period);
        if (dueTime >= minimumDueTime && dueTime != Timeout.InfiniteTimeSpan)
        {
            _started.TrySetResult();
        }

        return timer;
    }
}
