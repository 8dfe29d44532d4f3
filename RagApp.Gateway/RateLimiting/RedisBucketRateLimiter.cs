using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace RagApp.Gateway.RateLimiting;

/// <summary>
/// One client's bucket of one policy, as ASP.NET Core's rate-limiting middleware wants it. The state lives in Redis
/// (<see cref="RedisTokenBucket"/>); this object keeps only a small local lease: at high limits it takes up to a tenth
/// of a second's refill at once (<see cref="LeaseSize"/>) and spends it here, so that a busy client costs Redis one
/// script per lease instead of one per request. The tokens of a lease are taken from the shared bucket before they are
/// spent, so the limit still holds for the sum of all replicas; a lease unused after <see cref="LeaseLifetime"/> is
/// dropped, never spent late. At the default 100 a minute a lease is one token: every request asks Redis.
/// Redis unreachable: the request is let through (fail open; <see cref="RateLimitTelemetry"/> counts it and logs the
/// change of state): a limiter that refused everything while Redis is down would turn a Redis outage into a full outage
/// of the API, where queries are meant to keep being answered.
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
    /// <summary>How long leased tokens may wait to be spent here.</summary>
    internal static readonly TimeSpan LeaseLifetime = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private int _leased;
    private long _leaseTakenAt;
    private long _lastUsed = timeProvider.GetTimestamp();

    /// <summary>Tokens taken from Redis at once: a tenth of a second's refill, 1 to 100, never more than the bucket holds.</summary>
    internal static int LeaseSize(int permitsPerMinute, int burst) => Math.Clamp(Math.Min(permitsPerMinute / 600, burst), 1, 100);

    public override TimeSpan? IdleDuration => timeProvider.GetElapsedTime(Volatile.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Spends a leased token if one is here; otherwise undecided, and the middleware asks <see cref="AcquireAsyncCore"/>.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Volatile.Write(ref _lastUsed, timeProvider.GetTimestamp());
        if (TrySpendLeased())
        {
            telemetry.Decided(policy, RateLimitTelemetry.Allowed);
            return BucketLease.Granted;
        }

        return BucketLease.Undecided;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        Volatile.Write(ref _lastUsed, timeProvider.GetTimestamp());
        if (TrySpendLeased())
        {
            telemetry.Decided(policy, RateLimitTelemetry.Allowed);
            return BucketLease.Granted;
        }

        try
        {
            var decision = await bucket.TakeAsync(key, permitsPerMinute, burst, LeaseSize(permitsPerMinute, burst));
            telemetry.Decided(policy, decision.Allowed ? RateLimitTelemetry.Allowed : RateLimitTelemetry.Rejected);
            if (!decision.Allowed)
            {
                return BucketLease.Refused(decision.RetryAfter);
            }

            if (decision.Granted > 1)
            {
                lock (_gate)
                {
                    // One is this request's; the rest wait here for the next ones (a fresher lease replaces an older one).
                    _leased = decision.Granted - 1;
                    _leaseTakenAt = timeProvider.GetTimestamp();
                }
            }

            return BucketLease.Granted;
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            telemetry.FailedOpen(policy, exception);
            return BucketLease.Granted;
        }
    }

    private bool TrySpendLeased()
    {
        lock (_gate)
        {
            if (_leased == 0)
            {
                return false;
            }

            if (timeProvider.GetElapsedTime(_leaseTakenAt) > LeaseLifetime)
            {
                _leased = 0;
                return false;
            }

            _leased--;
            return true;
        }
    }
}
