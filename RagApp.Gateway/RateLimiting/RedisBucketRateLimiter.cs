using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace RagApp.Gateway.RateLimiting;

/// <summary>
/// One client's bucket of one policy, as ASP.NET Core's rate-limiting middleware wants it. The state lives in Redis
/// (<see cref="RedisTokenBucket"/>), so this object holds only the key: the middleware may drop it when idle and make
/// another. Redis unreachable: the request is let through (fail open; <see cref="RateLimitTelemetry"/> counts it and
/// logs the change of state): a limiter that refused everything while Redis is down would turn a cache outage into a
/// full outage of the API, where queries are meant to keep being answered.
/// </summary>
internal sealed class RedisBucketRateLimiter(
    RedisTokenBucket bucket,
    RedisKey key,
    string policy,
    int permitsPerMinute,
    int burst,
    RateLimitTelemetry telemetry,
    TimeProvider timeProvider) : RateLimiter
{
    private long _lastUsed = timeProvider.GetTimestamp();

    public override TimeSpan? IdleDuration => timeProvider.GetElapsedTime(Volatile.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Never decides without Redis: the middleware then asks <see cref="AcquireAsyncCore"/>.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => BucketLease.Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        Volatile.Write(ref _lastUsed, timeProvider.GetTimestamp());
        try
        {
            var decision = await bucket.TakeAsync(key, permitsPerMinute, burst);
            telemetry.Decided(policy, decision.Allowed ? RateLimitTelemetry.Allowed : RateLimitTelemetry.Rejected);
            return decision.Allowed ? BucketLease.Granted : BucketLease.Refused(decision.RetryAfter);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            telemetry.FailedOpen(policy, exception);
            return BucketLease.Granted;
        }
    }
}
