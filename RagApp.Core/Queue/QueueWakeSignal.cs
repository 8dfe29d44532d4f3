using StackExchange.Redis;

namespace RagApp.Core.Queue;

/// <summary>
/// Lets idle consumers sleep until a "job ready" notification on the queue's wake channel or their poll interval,
/// whichever comes first. Take <see cref="Next"/> before looking for work, so that a notification arriving
/// meanwhile is not missed.
/// </summary>
internal sealed class QueueWakeSignal(IConnectionMultiplexer redis, string channel, TimeProvider timeProvider) : IDisposable
{
    private readonly SemaphoreSlim _subscribeGate = new(1, 1);
    private TaskCompletionSource _next = NewSource();
    private ChannelMessageQueue? _subscription;

    public Task Next => Volatile.Read(ref _next).Task;

    public async Task EnsureSubscribedAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _subscription) is not null)
        {
            return;
        }

        await _subscribeGate.WaitAsync(cancellationToken);
        try
        {
            if (_subscription is null)
            {
                var subscription = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel));
                subscription.OnMessage(_ => Pulse());
                Volatile.Write(ref _subscription, subscription);
            }
        }
        finally
        {
            _subscribeGate.Release();
        }
    }

    /// <summary>Returns when <paramref name="woken"/> (a <see cref="Next"/> taken earlier) completes or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(Task woken, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAny(woken, Task.Delay(timeout, timeProvider, stopWaiting.Token));
        await stopWaiting.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    public void Dispose()
    {
        try
        {
            _subscription?.Unsubscribe(CommandFlags.FireAndForget);
        }
        catch (ObjectDisposedException)
        {
            // The connection went first (a container may dispose in any order); its subscriptions went with it.
        }

        _subscribeGate.Dispose();
    }

    private void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
