using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RagApp.Core.Queue;

/// <summary>
/// <see cref="IIngestQueue"/> on Redis lists, sorted sets and Lua scripts (key layout in <see cref="IngestQueueKeys"/>).
/// The multiplexer cannot block (BLMOVE would stall every caller sharing it), so idle consumers poll every
/// <see cref="IngestQueueOptions.PollInterval"/> and are woken earlier by a pub/sub notification on enqueue.
/// Redis calls already sent are not abandoned on cancellation: a state change must not be left half-observed.
/// </summary>
internal sealed partial class RedisIngestQueue : IIngestQueue, IDisposable
{
    private const int MaintenanceBatchSize = 100;
    private const string ExpiredLeaseError = "The lease expired before the job was completed (the consumer stopped or was too slow).";

    private readonly IConnectionMultiplexer _redis;
    private readonly IngestQueueOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RedisIngestQueue> _logger;
    private readonly IngestQueueKeys _keys;
    private readonly QueueWakeSignal _wake;

    public RedisIngestQueue(IConnectionMultiplexer redis, IOptions<IngestQueueOptions> options, TimeProvider timeProvider, ILogger<RedisIngestQueue> logger)
    {
        _redis = redis;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
        _keys = new IngestQueueKeys(_options.QueueName);
        _wake = new QueueWakeSignal(redis, _keys.WakeChannel, timeProvider);
    }

    private IDatabase Database => _redis.GetDatabase();

    private long DeadLetterLastIndex => _options.DeadLetterCapacity - 1;

    private long RetentionSeconds => (long)Math.Ceiling(_options.StatusRetention.TotalSeconds);

    private long LeaseMilliseconds => (long)Math.Ceiling(_options.LeaseDuration.TotalMilliseconds);

    private long PayloadRetentionMilliseconds => (long)Math.Ceiling(_options.FailedPayloadRetention.TotalMilliseconds);

    public async Task<EnqueueResult> EnqueueAsync(IngestJob job, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ValidateJob(job);
        ArgumentException.ThrowIfNullOrEmpty(job.ContentType);
        if (job.Kind != JobKind.Ingest)
        {
            throw new ArgumentException("Deletes are queued with EnqueueDeleteAsync.", nameof(job));
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, _options.MaxQueuedBytes, nameof(payload));
        cancellationToken.ThrowIfCancellationRequested();

        var result = await RunEnqueueAsync(job, payload, presence: "");
        var heldBytes = (long)result[1];
        switch ((int)result[0])
        {
            case 1:
                var version = (long)result[2];
                LogEnqueued(job.JobId, job.DocumentId, version, payload.Length, heldBytes);
                return new EnqueueResult(version);
            case 0:
                LogQueueFull(job.JobId, payload.Length, heldBytes, _options.MaxQueuedBytes);
                throw new QueueFullException(heldBytes, payload.Length, _options.MaxQueuedBytes, _options.QueueFullRetryAfter);
            default:
                throw new InvalidOperationException($"A job with id '{job.JobId}' already exists.");
        }
    }

    public async Task<EnqueueResult?> EnqueueDeleteAsync(IngestJob job, bool? indexed, CancellationToken cancellationToken)
    {
        ValidateJob(job);
        if (job.Kind != JobKind.Delete)
        {
            throw new ArgumentException("EnqueueDeleteAsync queues deletes only.", nameof(job));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var presence = indexed switch { true => "1", false => "0", null => "" };
        var result = await RunEnqueueAsync(job, ReadOnlyMemory<byte>.Empty, presence);
        switch ((int)result[0])
        {
            case 1:
                var version = (long)result[2];
                LogDeleteEnqueued(job.JobId, job.DocumentId, version);
                return new EnqueueResult(version);
            case -2:
                return null;
            default:
                throw new InvalidOperationException($"A job with id '{job.JobId}' already exists.");
        }
    }

    public async Task<LeasedJob?> LeaseAsync(string consumerId, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(wait, TimeSpan.Zero);
        await _wake.EnsureSubscribedAsync(cancellationToken);

        var started = _time.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var woken = _wake.Next;
            if (await TryLeaseAsync(consumerId) is { } lease)
            {
                return lease;
            }

            var remaining = wait - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await _wake.WaitAsync(woken, remaining < _options.PollInterval ? remaining : _options.PollInterval, cancellationToken);
        }
    }

    public async Task<bool> RenewLeaseAsync(LeasedJob lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        cancellationToken.ThrowIfCancellationRequested();
        var jobId = lease.Job.JobId;
        var renewed = (long)await Database.ScriptEvaluateAsync(
            QueueScripts.Renew,
            _keys.ForRenew(jobId),
            [jobId, lease.LeaseToken, LeaseMilliseconds]) > 0;
        if (!renewed)
        {
            LogLeaseLost(jobId, lease.Attempt, "renew");
        }

        return renewed;
    }

    public async Task<bool> CompleteAsync(LeasedJob lease, JobResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(result);
        var (outcome, chunkCount) = (result.Outcome, result.ChunkCount);
        ArgumentOutOfRangeException.ThrowIfNegative(result.EmbeddedChunks);
        ArgumentOutOfRangeException.ThrowIfNegative(result.CachedChunks);
        if (outcome is not (JobState.Succeeded or JobState.Unchanged or JobState.Superseded))
        {
            throw new ArgumentOutOfRangeException(nameof(result), outcome, "A job completes as Succeeded, Unchanged or Superseded.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(chunkCount);
        cancellationToken.ThrowIfCancellationRequested();
        var jobId = lease.Job.JobId;
        var completed = (int)await Database.ScriptEvaluateAsync(
            QueueScripts.Complete,
            _keys.ForComplete(jobId, lease.Job.DocumentId),
            [jobId, lease.LeaseToken, outcome.ToString(), chunkCount, RetentionSeconds, _keys.JobChannel(jobId),
                result.EmbeddedChunks, result.CachedChunks]) == 1;
        if (completed)
        {
            LogCompleted(jobId, outcome, chunkCount, lease.Attempt);
        }
        else
        {
            LogLeaseLost(jobId, lease.Attempt, "complete");
        }

        return completed;
    }

    public async Task<bool> FailAsync(LeasedJob lease, string error, FailureKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrEmpty(error);
        cancellationToken.ThrowIfCancellationRequested();
        var jobId = lease.Job.JobId;
        var delay = kind == FailureKind.DependencyUnavailable
            ? RetryBackoff.Delay(lease.Deferrals + 1, _options.DependencyRetryDelay, _options.MaxDependencyRetryDelay, Random.Shared.NextDouble())
            : RetryBackoff.Delay(lease.Failures + 1, _options.InitialRetryDelay, _options.MaxRetryDelay, Random.Shared.NextDouble());
        var outcome = (int)await Database.ScriptEvaluateAsync(
            QueueScripts.Fail,
            _keys.ForFail(jobId),
            [
                jobId, lease.LeaseToken, error, kind.ToString(), _options.MaxAttempts, (long)delay.TotalMilliseconds,
                RetentionSeconds, DeadLetterLastIndex, _keys.JobChannel(jobId), _options.MaxDeferrals,
                PayloadRetentionMilliseconds,
            ]);
        switch (outcome)
        {
            case 1:
                LogRetryScheduled(jobId, lease.Attempt, kind, delay.TotalSeconds, error);
                return true;
            case 2:
                LogDeadLettered(jobId, lease.Attempt, kind, error);
                return true;
            default:
                LogLeaseLost(jobId, lease.Attempt, "fail");
                return false;
        }
    }

    public async Task<bool> ReleaseAsync(LeasedJob lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        cancellationToken.ThrowIfCancellationRequested();
        var jobId = lease.Job.JobId;
        var released = (int)await Database.ScriptEvaluateAsync(
            QueueScripts.Release,
            _keys.ForRelease(jobId),
            [jobId, lease.LeaseToken, _keys.JobChannel(jobId), _keys.WakeChannel]) == 1;
        if (released)
        {
            LogReleased(jobId);
        }
        else
        {
            LogLeaseLost(jobId, lease.Attempt, "release");
        }

        return released;
    }

    public async Task<RetryOutcome> RetryAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        cancellationToken.ThrowIfCancellationRequested();
        var outcome = (int)await Database.ScriptEvaluateAsync(
            QueueScripts.Retry,
            _keys.ForRetry(jobId),
            [jobId, _keys.JobChannel(jobId), _keys.WakeChannel]);
        var result = outcome switch
        {
            1 => RetryOutcome.Requeued,
            0 => RetryOutcome.NotFailed,
            -2 => RetryOutcome.NotRetryable,
            _ => RetryOutcome.NotFound,
        };
        if (result == RetryOutcome.Requeued)
        {
            LogRetried(jobId);
        }

        return result;
    }

    public async Task<RetryAllResult> RetryFailedAsync(CancellationToken cancellationToken)
    {
        // A snapshot of the list: each retry removes its id, and jobs dead-lettered meanwhile wait for the next call.
        var deadLetters = await Database.ListRangeAsync(_keys.DeadLetters);
        var (requeued, notRetryable) = (0, 0);
        foreach (var jobId in deadLetters.Select(value => (string)value!).Distinct(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (await RetryAsync(jobId, CancellationToken.None))
            {
                case RetryOutcome.Requeued:
                    requeued++;
                    break;
                case RetryOutcome.NotRetryable:
                    notRetryable++;
                    break;
            }
        }

        return new RetryAllResult(requeued, notRetryable);
    }

    public async Task HeartbeatAsync(string consumerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        cancellationToken.ThrowIfCancellationRequested();
        // Consumers silent for an hour are forgotten, so the set does not grow with every restart.
        await Database.ScriptEvaluateAsync(QueueScripts.Heartbeat, _keys.ForHeartbeat(), [consumerId, (long)TimeSpan.FromHours(1).TotalMilliseconds]);
    }

    public async Task RemoveConsumerAsync(string consumerId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        cancellationToken.ThrowIfCancellationRequested();
        await Database.SortedSetRemoveAsync(_keys.Workers, consumerId);
    }

    public async Task<QueueDepth> GetDepthAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var database = Database;
        var ready = database.ListLengthAsync(_keys.Ready);
        var processing = database.ListLengthAsync(_keys.Processing);
        var delayed = database.SortedSetLengthAsync(_keys.Delayed);
        var dead = database.ListLengthAsync(_keys.DeadLetters);
        var bytes = database.StringGetAsync(_keys.QueuedBytes);
        await Task.WhenAll(ready, processing, delayed, dead, bytes).WaitAsync(cancellationToken);
        return new QueueDepth(ready.Result, processing.Result, delayed.Result, dead.Result, bytes.Result.IsNull ? 0 : (long)bytes.Result);
    }

    public async Task<QueueObservation> ObserveAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = (RedisResult[])(await Database.ScriptEvaluateAsync(
            QueueScripts.Observe, _keys.ForObserve()))!;
        var now = (long)values[0];
        var lastSeen = ToTime(values[1]);
        var ready = (long)values[2];
        var head = (string?)values[3];
        var (dueRetries, expiredLeases) = ((long)values[4], (long)values[5]);
        var waitingSince = new List<DateTimeOffset>(3);
        if (head is not null && await Database.HashGetAsync(_keys.Job(head), JobStatusFields.UpdatedAt) is { HasValue: true } queuedAt)
        {
            waitingSince.Add(DateTimeOffset.FromUnixTimeMilliseconds((long)queuedAt));
        }

        waitingSince.AddRange(new[] { ToTime(values[7]), ToTime(values[8]) }.OfType<DateTimeOffset>());
        return new QueueObservation(
            DateTimeOffset.FromUnixTimeMilliseconds(now),
            lastSeen,
            ready + dueRetries + expiredLeases,
            waitingSince.Count > 0 ? waitingSince.Min() : null,
            (long)values[6]);

        static DateTimeOffset? ToTime(RedisResult value) =>
            value.IsNull ? null : DateTimeOffset.FromUnixTimeMilliseconds(long.Parse((string)value!, CultureInfo.InvariantCulture));
    }

    public void Dispose() => _wake.Dispose();

    private static void ValidateJob(IngestJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrEmpty(job.JobId);
        ArgumentException.ThrowIfNullOrEmpty(job.DocumentId);
        ArgumentNullException.ThrowIfNull(job.Metadata);
    }

    private async Task<RedisResult[]> RunEnqueueAsync(IngestJob job, ReadOnlyMemory<byte> payload, string presence)
    {
        RedisValue[] arguments =
        [
            job.JobId, _options.MaxQueuedBytes, payload, _keys.WakeChannel, _keys.JobChannel(job.JobId),
            job.Kind.ToString(), presence, .. JobSnapshot.DescriptionFields(job),
        ];
        return (RedisResult[])(await Database.ScriptEvaluateAsync(
            QueueScripts.Enqueue,
            _keys.ForEnqueue(job.JobId, job.DocumentId),
            arguments))!;
    }

    /// <summary>Housekeeping (due retries, expired leases, released payloads), then leases the head of the ready list.</summary>
    private async Task<LeasedJob?> TryLeaseAsync(string consumerId)
    {
        var database = Database;
        // Pipelined: the server runs them in this order, so the head read already sees promoted retries.
        var maintenance = database.ScriptEvaluateAsync(
            QueueScripts.Maintain, _keys.ForMaintain(), [MaintenanceBatchSize, _keys.WakeChannel]);
        var headRead = database.ListGetByIndexAsync(_keys.Ready, 0);
        await Task.WhenAll(maintenance, headRead);

        var head = headRead.Result;
        var settled = (RedisResult[])maintenance.Result!;
        var expired = (RedisValue[])settled[1]!;
        // Each goes back to the head of the ready list: latest deadline first, so the job whose lease ran out first is
        // leased first.
        foreach (var jobId in expired.Reverse())
        {
            await RequeueExpiredAsync(jobId!);
        }

        foreach (var jobId in (RedisValue[])settled[2]!)
        {
            await ReleaseRetainedAsync(jobId!);
        }

        if (expired.Length > 0)
        {
            head = await database.ListGetByIndexAsync(_keys.Ready, 0);
        }

        // Consumers race for the head; the script only takes the job the caller saw there, so each round either
        // leases a job or learns which job another consumer left at the head.
        while (!head.IsNull)
        {
            var jobId = (string)head!;
            var token = Guid.NewGuid().ToString("N");
            var result = (RedisResult[])(await database.ScriptEvaluateAsync(
                QueueScripts.Lease,
                _keys.ForLease(jobId),
                [jobId, token, LeaseMilliseconds, consumerId, _keys.JobChannel(jobId)]))!;
            switch ((int)result[0])
            {
                case 1:
                    if (await ToLeasedJobAsync(result, token) is { } lease)
                    {
                        LogLeased(jobId, consumerId, lease.Attempt);
                        return lease;
                    }

                    head = await database.ListGetByIndexAsync(_keys.Ready, 0);
                    break;
                case 0:
                    head = (RedisValue)result[1];
                    break;
                default:
                    LogOrphanDropped(jobId);
                    head = await database.ListGetByIndexAsync(_keys.Ready, 0);
                    break;
            }
        }

        return null;
    }

    private async Task<LeasedJob?> ToLeasedJobAsync(RedisResult[] result, string token)
    {
        var snapshot = JobSnapshot.FromHash((RedisValue[])result[1]!)
            ?? throw new InvalidOperationException("A leased job has no status hash.");
        var status = snapshot.Status;
        var payload = (byte[]?)result[2];
        var lease = new LeasedJob(
            snapshot.Job, payload ?? [], status.Attempts, token, DateTimeOffset.FromUnixTimeMilliseconds((long)result[3]),
            status.Failures, status.Deferrals);
        if (payload is not null || status.PayloadBytes == 0)
        {
            return lease;
        }

        // Only a hand-edited store gets here; the job cannot run without its document.
        LogPayloadMissing(lease.Job.JobId);
        await FailAsync(lease, "The job's payload is missing.", FailureKind.Permanent, CancellationToken.None);
        return null;
    }

    private async Task RequeueExpiredAsync(string jobId)
    {
        var outcome = (int)await Database.ScriptEvaluateAsync(
            QueueScripts.RequeueExpired,
            _keys.ForRequeueExpired(jobId),
            [
                jobId, _options.MaxLeaseExpiries, RetentionSeconds, DeadLetterLastIndex, _keys.JobChannel(jobId),
                _keys.WakeChannel, ExpiredLeaseError, PayloadRetentionMilliseconds,
            ]);
        switch (outcome)
        {
            case 1:
                LogLeaseExpiredRequeued(jobId);
                break;
            case 2:
                LogDeadLettered(jobId, _options.MaxLeaseExpiries, FailureKind.Transient, ExpiredLeaseError);
                break;
            case -1:
                LogOrphanDropped(jobId);
                break;
        }
    }

    private async Task ReleaseRetainedAsync(string jobId)
    {
        var released = (int)await Database.ScriptEvaluateAsync(
            QueueScripts.ReleaseRetained,
            _keys.ForReleaseRetained(jobId),
            [jobId, _keys.JobChannel(jobId)]) == 1;
        if (released)
        {
            LogRetainedPayloadReleased(jobId);
        }
    }
}
