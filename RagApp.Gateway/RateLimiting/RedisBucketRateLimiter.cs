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
    private Task<RefillOutcome>? _refill;

    /// <summary>Tokens taken from Redis at once: a tenth of a second's refill, 1 to 1000, never more than the bucket holds.</summary>
    internal static int LeaseSize(int permitsPerMinute, int burst) => Math.Clamp(Math.Min(permitsPerMinute / 600, burst), 1, 1000);

    /// <summary>
    /// Leases at least this large are refilled ahead, once half is spent, so that a busy client's requests keep being
    /// decided here without waiting; smaller ones (low limits) only when empty, so no replica holds tokens it may not use.
    /// </summary>
    internal const int RefillAheadFrom = 10;

    private readonly int _leaseSize = LeaseSize(permitsPerMinute, burst);

    public override TimeSpan? IdleDuration => timeProvider.GetElapsedTime(Volatile.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Spends a leased token if one is here; otherwise undecided, and the middleware asks <see cref="AcquireAsyncCore"/>.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        Volatile.Write(ref _lastUsed, timeProvider.GetTimestamp());
        if (TrySpendLeased())
        {
            telemetry.Decided(policy, RateLimitTelemetry.Allowed);
            RefillAheadIfLow();
            return BucketLease.Granted;
        }

        return BucketLease.Undecided;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(permitCount, 1);
        Volatile.Write(ref _lastUsed, timeProvider.GetTimestamp());
        while (true)
        {
            if (TrySpendLeased())
            {
                telemetry.Decided(policy, RateLimitTelemetry.Allowed);
                RefillAheadIfLow();
                return BucketLease.Granted;
            }

            // One refill at a time: the requests that find the lease empty meanwhile wait for it and share what it
            // brings, instead of each taking a lease from Redis (and all but the last being thrown away).
            var outcome = await JoinOrStartRefill(onlyWhenLow: false)!;
            switch (outcome.Kind)
            {
                case RefillKind.Refused:
                    telemetry.Decided(policy, RateLimitTelemetry.Rejected);
                    return BucketLease.Refused(outcome.RetryAfter);
                case RefillKind.Unreachable:
                    telemetry.FailedOpen(policy, outcome.Failure!);
                    return BucketLease.Granted;
                default:
                    // Tokens came in: spend one if the other waiters left any, else take the next refill.
                    break;
            }
        }
    }

    /// <summary>Starts a refill in the background when a large lease is half spent and none is in flight.</summary>
    private void RefillAheadIfLow()
    {
        if (_leaseSize >= RefillAheadFrom)
        {
            // Nobody waits for it: its tokens join the pool, a refusal or an unreachable Redis is met by the next
            // request that finds the pool empty.
            _ = JoinOrStartRefill(onlyWhenLow: true);
        }
    }

    /// <summary>
    /// The refill in flight, or a new one; with <paramref name="onlyWhenLow"/>, a new one only once half the lease is
    /// spent (null otherwise).
    /// </summary>
    private Task<RefillOutcome>? JoinOrStartRefill(bool onlyWhenLow)
    {
        TaskCompletionSource<RefillOutcome>? mine = null;
        Task<RefillOutcome>? refill;
        lock (_gate)
        {
            if (_refill is null && (!onlyWhenLow || _leased * 2 < _leaseSize))
            {
                mine = new TaskCompletionSource<RefillOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
                _refill = mine.Task;
            }

            refill = _refill;
        }

        if (mine is not null)
        {
            _ = CompleteRefillAsync(mine);
        }

        return refill;
    }

    /// <summary>The pool is filled and the refill cleared before anyone waiting on it resumes.</summary>
    private async Task CompleteRefillAsync(TaskCompletionSource<RefillOutcome> mine) => mine.SetResult(await RefillAsync(mine.Task));

    /// <summary>Takes a lease from Redis into the local pool, and ends <paramref name="refill"/>'s turn.</summary>
    private async Task<RefillOutcome> RefillAsync(Task<RefillOutcome> refill)
    {
        RefillOutcome outcome;
        try
        {
            var decision = await bucket.TakeAsync(key, permitsPerMinute, burst, _leaseSize).ConfigureAwait(false);
            outcome = decision.Allowed ? new RefillOutcome(RefillKind.Granted, TimeSpan.Zero, null) : new RefillOutcome(RefillKind.Refused, decision.RetryAfter, null);
            if (decision.Allowed)
            {
                lock (_gate)
                {
                    var now = timeProvider.GetTimestamp();
                    // Tokens older than the lifetime are not spent late: they go, the fresh ones stay.
                    _leased = timeProvider.GetElapsedTime(_leaseTakenAt, now) > LeaseLifetime ? decision.Granted : _leased + decision.Granted;
                    _leaseTakenAt = now;
                }
            }
        }
        catch (Exception exception)
        {
            // Any failure, not only Redis's: the refill must end, or every request waiting on it would wait forever.
            outcome = new RefillOutcome(RefillKind.Unreachable, TimeSpan.Zero, exception);
        }

        lock (_gate)
        {
            if (_refill == refill)
            {
                _refill = null;
            }
        }

        return outcome;
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

    private enum RefillKind
    {
        Granted,
        Refused,
        Unreachable,
    }

    private sealed record RefillOutcome(RefillKind Kind, TimeSpan RetryAfter, Exception? Failure);
}
