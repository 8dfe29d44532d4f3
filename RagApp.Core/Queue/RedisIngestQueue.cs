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

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private long DeadLetterLastIndex => _options.DeadLetterCapacity - 1;

    private long RetentionSeconds => (long)Math.Ceiling(_options.StatusRetention.TotalSeconds);

    public async Task EnqueueAsync(IngestJob job, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentException.ThrowIfNullOrEmpty(job.JobId);
        ArgumentException.ThrowIfNullOrEmpty(job.DocumentId);
        ArgumentException.ThrowIfNullOrEmpty(job.ContentType);
        ArgumentNullException.ThrowIfNull(job.Metadata);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(payload.Length, _options.MaxQueuedBytes, nameof(payload));
        cancellationToken.ThrowIfCancellationRequested();

        RedisValue[] arguments =
        [
            job.JobId, _options.MaxQueuedBytes, NowMs, payload, _keys.WakeChannel, IngestQueueKeys.JobChannel(job.JobId),
            .. JobSnapshot.DescriptionFields(job),
        ];
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(
            QueueScripts.Enqueue,
            [_keys.Ready, _keys.QueuedBytes, IngestQueueKeys.Job(job.JobId), IngestQueueKeys.Payload(job.JobId)],
            arguments))!;
        var heldBytes = (long)result[1];
        switch ((int)result[0])
        {
            case 1:
                LogEnqueued(job.JobId, job.DocumentId, payload.Length, heldBytes);
                return;
            case 0:
                LogQueueFull(job.JobId, payload.Length, heldBytes, _options.MaxQueuedBytes);
                throw new QueueFullException(heldBytes, payload.Length, _options.MaxQueuedBytes, _options.QueueFullRetryAfter);
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
        var deadline = (_time.GetUtcNow() + _options.LeaseDuration).ToUnixTimeMilliseconds();
        var renewed = (int)await Database.ScriptEvaluateAsync(
            QueueScripts.Renew,
            [_keys.Leases, IngestQueueKeys.Job(jobId)],
            [jobId, lease.LeaseToken, deadline]) == 1;
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
        if (outcome is not (JobState.Succeeded or JobState.Unchanged))
        {
            throw new ArgumentOutOfRangeException(nameof(result), outcome, "A job completes as Succeeded or Unchanged.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(chunkCount);
        cancellationToken.ThrowIfCancellationRequested();
        var jobId = lease.Job.JobId;
        var completed = (int)await Database.ScriptEvaluateAsync(
            QueueScripts.Complete,
            [_keys.Processing, _keys.Leases, IngestQueueKeys.Job(jobId), IngestQueueKeys.Payload(jobId), _keys.QueuedBytes],
            [jobId, lease.LeaseToken, outcome.ToString(), chunkCount, NowMs, RetentionSeconds, IngestQueueKeys.JobChannel(jobId),
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

    public async Task<bool> FailAsync(LeasedJob lease, string error, bool permanent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentException.ThrowIfNullOrEmpty(error);
        cancellationToken.ThrowIfCancellationRequested();
        var jobId = lease.Job.JobId;
        var now = _time.GetUtcNow();
        var retryAt = now + RetryBackoff.Delay(lease.Attempt, _options.InitialRetryDelay, _options.MaxRetryDelay, Random.Shared.NextDouble());
        var outcome = (int)await Database.ScriptEvaluateAsync(
            QueueScripts.Fail,
            [
                _keys.Processing, _keys.Leases, IngestQueueKeys.Job(jobId), IngestQueueKeys.Payload(jobId), _keys.QueuedBytes,
                _keys.Delayed, _keys.DeadLetters,
            ],
            [
                jobId, lease.LeaseToken, error, permanent ? 1 : 0, now.ToUnixTimeMilliseconds(), _options.MaxAttempts,
                retryAt.ToUnixTimeMilliseconds(), RetentionSeconds, DeadLetterLastIndex, IngestQueueKeys.JobChannel(jobId),
            ]);
        switch (outcome)
        {
            case 1:
                LogRetryScheduled(jobId, lease.Attempt, retryAt, error);
                return true;
            case 2:
                LogDeadLettered(jobId, lease.Attempt, permanent, error);
                return true;
            default:
                LogLeaseLost(jobId, lease.Attempt, "fail");
                return false;
        }
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

    public void Dispose() => _wake.Dispose();

    /// <summary>Promotes due retries, requeues expired leases, then leases the head of the ready list.</summary>
    private async Task<LeasedJob?> TryLeaseAsync(string consumerId)
    {
        var database = Database;
        var now = NowMs;
        // Pipelined: the server runs them in this order, so the head read already sees promoted retries.
        var promoted = database.ScriptEvaluateAsync(
            QueueScripts.PromoteDue, [_keys.Delayed, _keys.Ready], [now, MaintenanceBatchSize, _keys.WakeChannel]);
        var expired = database.SortedSetRangeByScoreAsync(_keys.Leases, double.NegativeInfinity, now, take: MaintenanceBatchSize);
        var headRead = database.ListGetByIndexAsync(_keys.Ready, 0);
        await Task.WhenAll(promoted, expired, headRead);

        var head = headRead.Result;
        if (expired.Result.Length > 0)
        {
            foreach (var jobId in expired.Result)
            {
                await RequeueExpiredAsync(jobId!, now);
            }

            head = await database.ListGetByIndexAsync(_keys.Ready, 0);
        }

        // Consumers race for the head; the script only takes the job the caller saw there, so each round either
        // leases a job or learns which job another consumer left at the head.
        while (!head.IsNull)
        {
            var jobId = (string)head!;
            var token = Guid.NewGuid().ToString("N");
            var leasedAt = _time.GetUtcNow();
            var expiresAt = leasedAt + _options.LeaseDuration;
            var result = (RedisResult[])(await database.ScriptEvaluateAsync(
                QueueScripts.Lease,
                [_keys.Ready, _keys.Processing, _keys.Leases, IngestQueueKeys.Job(jobId), IngestQueueKeys.Payload(jobId)],
                [jobId, token, leasedAt.ToUnixTimeMilliseconds(), expiresAt.ToUnixTimeMilliseconds(), consumerId, IngestQueueKeys.JobChannel(jobId)]))!;
            switch ((int)result[0])
            {
                case 1:
                    if (await ToLeasedJobAsync(result, token, expiresAt) is { } lease)
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

    private async Task<LeasedJob?> ToLeasedJobAsync(RedisResult[] result, string token, DateTimeOffset expiresAt)
    {
        var snapshot = JobSnapshot.FromHash((RedisValue[])result[1]!)
            ?? throw new InvalidOperationException("A leased job has no status hash.");
        var lease = new LeasedJob(snapshot.Job, (byte[]?)result[2] ?? [], snapshot.Status.Attempts, token, expiresAt);
        if (!result[2].IsNull)
        {
            return lease;
        }

        // Only a hand-edited store gets here; the job cannot run without its document.
        LogPayloadMissing(lease.Job.JobId);
        await FailAsync(lease, "The job's payload is missing.", permanent: true, CancellationToken.None);
        return null;
    }

    private async Task RequeueExpiredAsync(string jobId, long now)
    {
        var outcome = (int)await Database.ScriptEvaluateAsync(
            QueueScripts.RequeueExpired,
            [
                _keys.Processing, _keys.Leases, IngestQueueKeys.Job(jobId), IngestQueueKeys.Payload(jobId), _keys.QueuedBytes,
                _keys.Ready, _keys.DeadLetters,
            ],
            [
                jobId, now, _options.MaxAttempts, RetentionSeconds, DeadLetterLastIndex, IngestQueueKeys.JobChannel(jobId),
                _keys.WakeChannel, ExpiredLeaseError,
            ]);
        switch (outcome)
        {
            case 1:
                LogLeaseExpiredRequeued(jobId);
                break;
            case 2:
                LogDeadLettered(jobId, _options.MaxAttempts, permanent: false, ExpiredLeaseError);
                break;
            case -1:
                LogOrphanDropped(jobId);
                break;
        }
    }
}
