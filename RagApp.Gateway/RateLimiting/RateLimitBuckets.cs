using System.Collections.Concurrent;

namespace RagApp.Gateway.RateLimiting;

/// <summary>
/// Each client's <see cref="RedisBucketRateLimiter"/> per policy, one instance per gateway, for both the rate-limiting
/// middleware (<see cref="RateLimitPartitions"/>) and the cache-hit fast path (<c>CachedQueryMiddleware</c>), so that
/// both spend the same local lease: two leases of one client would strand tokens in one while the other refuses.
/// Limiters idle for <see cref="IdleLimit"/> are dropped (a lease lives one second, so nothing leased goes with them).
/// </summary>
internal sealed class RateLimitBuckets : IDisposable
{
    /// <summary>Idle time after which a client's limiter is dropped; far beyond a lease's lifetime.</summary>
    internal static readonly TimeSpan IdleLimit = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Policy, string Client), RedisBucketRateLimiter> _limiters = new();
    private readonly Func<(string Policy, string Client), (int PermitsPerMinute, int Burst), RedisBucketRateLimiter> _create;
    private readonly ITimer _sweep;

    public RateLimitBuckets(RedisTokenBucket bucket, RateLimitTelemetry telemetry, TimeProvider timeProvider)
    {
        _create = (key, limit) => new RedisBucketRateLimiter(
            bucket, RedisTokenBucket.KeyOf(key.Policy, key.Client), key.Policy, limit.PermitsPerMinute, limit.Burst, telemetry, timeProvider);
        _sweep = timeProvider.CreateTimer(_ => Sweep(), null, IdleLimit, IdleLimit);
    }

    /// <summary>The limiter of <paramref name="client"/> under <paramref name="policy"/>, made with the given limit if there is none yet.</summary>
    public RedisBucketRateLimiter For(string policy, string client, int permitsPerMinute, int burst) =>
        _limiters.GetOrAdd((policy, client), _create, (permitsPerMinute, burst));

    public void Dispose() => _sweep.Dispose();

    private void Sweep()
    {
        foreach (var (key, limiter) in _limiters)
        {
            if (limiter.IdleDuration > IdleLimit)
            {
                _limiters.TryRemove(new KeyValuePair<(string Policy, string Client), RedisBucketRateLimiter>(key, limiter));
            }
        }
    }
}
