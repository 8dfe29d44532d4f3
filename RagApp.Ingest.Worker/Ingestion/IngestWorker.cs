using System.ClientModel;
using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using RagApp.Ingest.Worker.Extraction;
using RagApp.Ingest.Worker.Indexing;
using RagApp.Ingest.Worker.Telemetry;

namespace RagApp.Ingest.Worker.Ingestion;

/// <summary>
/// Takes jobs from the queue and runs them, <see cref="IngestWorkerOptions.Concurrency"/> at a time. A
/// job's lease is renewed while it runs; if this process dies, the lease expires and another worker
/// (or this one, restarted) takes the job again; if it stops cleanly, it hands its unfinished jobs back at once.
/// Several replicas share one queue; each says it is alive with a heartbeat, which the gateway's health reads.
/// </summary>
/// <remarks>
/// One loop leases for the whole replica, and only when a slot is free: idle slots do not each poll the queue, and
/// a new job does not wake every idle slot to race for it (with one lease loop per slot, ingesting cranfield cost
/// about 20 lease attempts per job, almost all of them lost races).
/// </remarks>
internal sealed partial class IngestWorker(
    IIngestQueue queue,
    IngestJobProcessor processor,
    IndexAvailability index,
    IngestTelemetry telemetry,
    IOptions<IngestWorkerOptions> options,
    IOptions<IngestQueueOptions> queueOptions,
    TimeProvider timeProvider,
    ILogger<IngestWorker> logger) : BackgroundService
{
    private static readonly TimeSpan ErrorBackoff = TimeSpan.FromSeconds(2);

    private readonly string _consumerId = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Signalled whenever a job ends, so that a lease loop held back by the byte limit looks again.</summary>
    private readonly SemaphoreSlim _jobEnded = new(0);

    private long _inFlightBytes;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var concurrency = options.Value.Concurrency;
        using var freeSlots = new SemaphoreSlim(concurrency, concurrency);
        var heartbeat = BeatAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await freeSlots.WaitAsync(stoppingToken);
                LeasedJob? lease;
                try
                {
                    lease = await TryLeaseAsync(stoppingToken);
                }
                catch
                {
                    // Stopping while waiting for a job: the slot was never used.
                    freeSlots.Release();
                    throw;
                }

                if (lease is null)
                {
                    freeSlots.Release();
                    continue;
                }

                Interlocked.Add(ref _inFlightBytes, lease.Payload.Length);
                // On the thread pool: extraction and chunking run synchronously and must not hold up the next lease.
                _ = Task.Run(() => RunInSlotAsync(lease, freeSlots, stoppingToken), CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the jobs in flight see the same token and leave their jobs for redelivery.
        }

        // Every slot back means every job has ended (or been handed back).
        for (var slot = 0; slot < concurrency; slot++)
        {
            await freeSlots.WaitAsync(CancellationToken.None);
        }

        await heartbeat;
        try
        {
            await queue.RemoveConsumerAsync(_consumerId, CancellationToken.None);
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            // Health forgets a silent consumer after its timeout anyway.
            LogQueueUnavailable(logger, exception.Message);
        }
    }

    /// <summary>Tells the queue (and through it, health) that this replica is alive, until it stops.</summary>
    private async Task BeatAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(queueOptions.Value.HeartbeatInterval, timeProvider);
        try
        {
            do
            {
                try
                {
                    await queue.HeartbeatAsync(_consumerId, stoppingToken);
                }
                catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
                {
                    LogQueueUnavailable(logger, exception.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>The next job, or null when none came within the lease wait or the queue is unreachable.</summary>
    private async Task<LeasedJob?> TryLeaseAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The limit is checked before leasing (a job's size is only known once leased), so it can be exceeded by
            // one job at most; it bounds memory without starving small documents.
            while (Interlocked.Read(ref _inFlightBytes) >= options.Value.MaxInFlightBytes)
            {
                await _jobEnded.WaitAsync(ErrorBackoff, stoppingToken);
            }

            await index.WaitUntilAvailableAsync(stoppingToken);
            var lease = await queue.LeaseAsync(_consumerId, options.Value.LeaseWait, stoppingToken);
            if (lease is not null && index.IsUnavailable)
            {
                // The index went away while this call waited for a job: hand it back rather than fail it once more.
                await queue.ReleaseAsync(lease, CancellationToken.None);
                return null;
            }

            return lease;
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            LogQueueUnavailable(logger, exception.Message);
            await Task.Delay(ErrorBackoff, timeProvider, stoppingToken);
            return null;
        }
    }

    private async Task RunInSlotAsync(LeasedJob lease, SemaphoreSlim freeSlots, CancellationToken stoppingToken)
    {
        try
        {
            await RunAsync(lease, stoppingToken);
        }
        catch (Exception exception)
        {
            // The queue could not record the outcome (Redis went away): the lease expires and the job runs again.
            LogOutcomeNotRecorded(logger, lease.Job.JobId, exception.Message);
        }
        finally
        {
            Interlocked.Add(ref _inFlightBytes, -lease.Payload.Length);
            _jobEnded.Release();
            freeSlots.Release();
        }
    }

    private async Task RunAsync(LeasedJob lease, CancellationToken stoppingToken)
    {
        var job = lease.Job;
        using var activity = StartJobActivity(lease);
        using var jobCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var leaseLost = false;
        var keeper = KeepLeaseAsync(lease, () => leaseLost = true, jobCancellation);
        var started = Stopwatch.GetTimestamp();
        string outcomeTag;
        try
        {
            var result = await processor.ProcessAsync(lease, jobCancellation.Token);
            outcomeTag = await queue.CompleteAsync(lease, result, CancellationToken.None)
                ? result.Outcome == JobState.Unchanged ? "unchanged" : "succeeded"
                : "lease_lost";
        }
        catch (Exception exception) when (leaseLost && IsCancellation(exception))
        {
            // Not a failure of the job: someone else holds it now.
            LogAbandoned(logger, job.JobId, "its lease was lost");
            outcomeTag = "abandoned";
        }
        catch (Exception exception) when (stoppingToken.IsCancellationRequested && IsCancellation(exception))
        {
            // Not a failure of the job either: hand it back so that the next worker need not wait for the lease to expire.
            LogAbandoned(logger, job.JobId, "the worker is stopping");
            await queue.ReleaseAsync(lease, CancellationToken.None);
            outcomeTag = "released";
        }
        catch (Exception exception)
        {
            var kind = Classify(exception);
            var message = Describe(exception);
            switch (kind)
            {
                case FailureKind.Transient:
                    // Not the document's fault as far as we know: most likely a bug of ours, so keep the stack trace.
                    LogFailedUnexpectedly(logger, exception, job.JobId, job.DocumentId, lease.Attempt, message);
                    break;
                case FailureKind.DependencyUnavailable:
                    LogDeferred(logger, job.JobId, job.DocumentId, lease.Attempt, message);
                    if (exception is RpcException)
                    {
                        index.ReportUnavailable(message);
                    }

                    break;
                default:
                    LogRejected(logger, job.JobId, job.DocumentId, lease.Attempt, message);
                    break;
            }

            activity?.SetStatus(ActivityStatusCode.Error, message);
            outcomeTag = !await queue.FailAsync(lease, message, kind, CancellationToken.None)
                ? "lease_lost"
                : kind switch
                {
                    FailureKind.Permanent => "failed",
                    FailureKind.DependencyUnavailable => "deferred",
                    _ => "retried",
                };
        }
        finally
        {
            await jobCancellation.CancelAsync();
            await keeper;
        }

        activity?.SetTag("ragapp.job.outcome", outcomeTag);
        telemetry.JobsCompleted.Add(1, new KeyValuePair<string, object?>("outcome", outcomeTag));
        telemetry.JobDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("outcome", outcomeTag));
    }

    /// <summary>Renews the lease at a third of its duration until the job ends; cancels the job if the lease is lost.</summary>
    private async Task KeepLeaseAsync(LeasedJob lease, Action onLost, CancellationTokenSource job)
    {
        var period = queueOptions.Value.LeaseDuration / 3;
        using var timer = new PeriodicTimer(period, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(job.Token))
            {
                bool renewed;
                try
                {
                    renewed = await queue.RenewLeaseAsync(lease, job.Token);
                }
                catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
                {
                    // Try again at the next tick; the lease has two more periods to live.
                    LogRenewFailed(logger, lease.Job.JobId, exception.Message);
                    continue;
                }

                if (!renewed)
                {
                    LogLeaseLost(logger, lease.Job.JobId);
                    onLost();
                    await job.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The job ended.
        }
    }

    private static Activity? StartJobActivity(LeasedJob lease)
    {
        // Continue the trace of the upload, so the dashboard shows upload → worker → index as one trace.
        ActivityContext.TryParse(lease.Job.TraceParent, lease.Job.TraceState, isRemote: true, out var parent);
        var activity = IngestTelemetry.ActivitySource.StartActivity("ingest.job", ActivityKind.Consumer, parent);
        activity?.SetTag("ragapp.job.id", lease.Job.JobId);
        activity?.SetTag("ragapp.document.id", lease.Job.DocumentId);
        activity?.SetTag("ragapp.job.attempt", lease.Attempt);
        return activity;
    }

    /// <summary>
    /// Retrying cannot fix bad content or a request the index refuses (permanent); an outage is not the document's
    /// fault and must not use up its attempts (dependency unavailable); anything else is unexpected (transient).
    /// </summary>
    private static FailureKind Classify(Exception exception) => exception switch
    {
        DocumentRejectedException => FailureKind.Permanent,
        RpcException { StatusCode: StatusCode.InvalidArgument or StatusCode.FailedPrecondition } => FailureKind.Permanent,
        // Cancelled here is the index call's own deadline (a stopping worker is handled before): RagApp.Rag hung or is
        // overloaded.
        RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled
            or StatusCode.ResourceExhausted } => FailureKind.DependencyUnavailable,
        // The embedding cache's Redis, or a hosted embedding model that is down, throttling or failing on its side.
        StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException => FailureKind.DependencyUnavailable,
        HttpRequestException => FailureKind.DependencyUnavailable,
        ClientResultException { Status: 0 or 408 or 429 or >= 500 } => FailureKind.DependencyUnavailable,
        _ => FailureKind.Transient,
    };

    private static bool IsCancellation(Exception exception) =>
        exception is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled };

    private static string Describe(Exception exception) => exception switch
    {
        DocumentRejectedException rejected => rejected.Message,
        RpcException { StatusCode: StatusCode.InvalidArgument or StatusCode.FailedPrecondition } rpc =>
            $"The index refused the document: {rpc.Status.Detail} ({rpc.StatusCode})",
        RpcException rpc => $"RagApp.Rag did not answer: {rpc.Status.Detail} ({rpc.StatusCode})",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    public override void Dispose()
    {
        _jobEnded.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The ingest queue is unavailable: {Reason}")]
    private static partial void LogQueueUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the outcome of job {JobId}; it will be delivered again when its lease expires: {Reason}")]
    private static partial void LogOutcomeNotRecorded(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} left for redelivery: {Reason}")]
    private static partial void LogAbandoned(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Job {JobId} (document {DocumentId}, attempt {Attempt}) failed unexpectedly; it will be retried. {Error}")]
    private static partial void LogFailedUnexpectedly(ILogger logger, Exception exception, string jobId, string documentId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} (document {DocumentId}, attempt {Attempt}) waits for a dependency: {Error}")]
    private static partial void LogDeferred(ILogger logger, string jobId, string documentId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} (document {DocumentId}, attempt {Attempt}) rejected: {Error}")]
    private static partial void LogRejected(ILogger logger, string jobId, string documentId, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not renew the lease of job {JobId}: {Reason}")]
    private static partial void LogRenewFailed(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the lease of job {JobId}; stopping work on it")]
    private static partial void LogLeaseLost(ILogger logger, string jobId);
}
