using System.Collections.Concurrent;
using CsCheck;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using RagApp.Tests.Support;
using StackExchange.Redis;
using Kind = RagApp.Tests.Queue.IngestQueueOperationKind;

namespace RagApp.Tests.Queue;

/// <summary>
/// Model-based tests of the ingest queue: random interleavings of every operation run against a real server and
/// against <see cref="IngestQueueModel"/>, and after every step the queue must look exactly as the model says (depth,
/// lists, byte count, each job's status and payload). CsCheck shrinks a failing run to a short list of steps and
/// prints it with its seed. Each run has a queue of its own (a fresh queue name) on the fixture's server.
/// Leases run out by the server's clock, so an expiry is a step of its own that leases with a short lease and waits
/// (bounded) for the server's clock to pass its deadline; few runs have more than one.
/// </summary>
public abstract class IngestQueueModelTests(QueueServerFixture server)
{
    private const int Documents = 3;
    private const int MaxExpiriesPerRun = 3;

    /// <summary>Long enough never to run out during a run unless a step lets it.</summary>
    private static readonly TimeSpan LongLease = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan ShortLease = TimeSpan.FromMilliseconds(100);

    /// <summary>The bound on every wait for the server's clock; never a speed goal.</summary>
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static readonly JobResult CompletionResult = new(JobState.Succeeded, ChunkCount: 3, EmbeddedChunks: 2, CachedChunks: 1);

    private static readonly Gen<IngestQueueOperation> Operation = Gen.Frequency(
        (6, Gen.Select(Gen.Int[0, Documents - 1], Gen.Int[0, 40], (document, bytes) => new IngestQueueOperation(Kind.Enqueue, document, bytes))),
        (1, Gen.Int[0, 9].Select(job => new IngestQueueOperation(Kind.EnqueueExistingId, job))),
        (2, Gen.Select(Gen.Int[0, Documents - 1], Gen.Int[0, 2], (document, presence) => new IngestQueueOperation(Kind.EnqueueDelete, document, Variant: presence))),
        (6, Gen.Int[0, 2].Select(consumer => new IngestQueueOperation(Kind.Lease, Variant: consumer))),
        (2, Gen.Int[0, 2].Select(consumer => new IngestQueueOperation(Kind.LeaseAndLetExpire, Variant: consumer))),
        (2, Gen.Int[0, 4].Select(lease => new IngestQueueOperation(Kind.Renew, lease))),
        (5, Gen.Select(Gen.Int[0, 4], Gen.Int[0, 2], (lease, outcome) => new IngestQueueOperation(Kind.Complete, lease, Variant: outcome))),
        (4, Gen.Select(Gen.Int[0, 4], Gen.Int[0, 2], (lease, kind) => new IngestQueueOperation(Kind.Fail, lease, Variant: kind))),
        (2, Gen.Int[0, 4].Select(lease => new IngestQueueOperation(Kind.Release, lease))),
        (2, Gen.Int[0, 10].Select(job => new IngestQueueOperation(Kind.Retry, job))),
        (1, Gen.Const(new IngestQueueOperation(Kind.RetryAll))));

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RandomInterleavings_OfEveryOperation_KeepTheQueueExactlyAsTheModelSays()
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        static string Print(List<IngestQueueOperation> operations) => string.Join(Environment.NewLine, operations);

        // Fixed seeds, so every run of the suite checks the same 40 cases; only a failure samples further (bounded), to
        // report a smaller failing case next to the seed that reproduces it.
        for (var i = 0u; i < 40; i++)
        {
            var seed = new PCG(i, 0x5EED_2026).ToString();
            try
            {
                await Operation.List[1, 40].SampleAsync(RunAsync, seed: seed, iter: 1, threads: 1, print: Print);
            }
            catch (CsCheckException)
            {
                await Operation.List[1, 40].SampleAsync(RunAsync, seed: seed, time: 10, threads: 1, print: Print);
                throw;
            }
        }
    }

    [Fact]
    public async Task ConcurrentConsumers_WithRandomFailuresAndExpiries_CompleteEveryJobExactlyOnce()
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        var plans = Gen.Enum<ConcurrentConsumerBehaviour>().Array[0, 8].Array[3];
        await Gen.Select(Gen.Int[5, 30], plans).SampleAsync(
            RunConcurrentAsync, iter: 3, threads: 1,
            print: run => $"{run.Item1} jobs; consumers: {string.Join(" | ", run.Item2.Select(plan => string.Join(", ", plan)))}");
    }

    private static IngestQueueOptions ModelOptions(string queueName, TimeSpan lease) => new()
    {
        QueueName = queueName,
        LeaseDuration = lease,
        PollInterval = TimeSpan.FromMilliseconds(50),
        // Small limits, so that runs of a few dozen steps reach the budget, the dead letters and their trimming.
        MaxQueuedBytes = 100,
        MaxAttempts = 3,
        MaxDeferrals = 2,
        MaxLeaseExpiries = 2,
        DeadLetterCapacity = 2,
        // Retries are due at once, so the model knows they are promoted by the next lease's housekeeping.
        InitialRetryDelay = TimeSpan.Zero,
        MaxRetryDelay = TimeSpan.Zero,
        DependencyRetryDelay = TimeSpan.Zero,
        MaxDependencyRetryDelay = TimeSpan.Zero,
    };

    private async Task RunAsync(List<IngestQueueOperation> operations)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var options = ModelOptions("model-" + run, LongLease);
        using var queue = CreateQueue(options);
        using var shortLeases = CreateQueue(ModelOptions(options.QueueName, ShortLease));
        var statuses = new RedisJobStatusStore(server.Redis, Options.Create(options), TimeProvider.System, NullLogger<RedisJobStatusStore>.Instance);
        var model = new IngestQueueModel(options);
        var step = new ModelStep(server.Redis, queue, shortLeases, statuses, model, run);

        foreach (var operation in operations)
        {
            await step.RunAsync(operation);
            await step.CheckAsync();
        }

        await step.DrainAsync();
    }

    private RedisIngestQueue CreateQueue(IngestQueueOptions options) =>
        new(server.Redis, Options.Create(options), TimeProvider.System, NullLogger<RedisIngestQueue>.Instance);

    private Task<DateTimeOffset> ServerNowAsync() => TestJobs.ServerNowAsync(server.Redis);

    private async Task WaitForTheServersClockToPassAsync(DateTimeOffset deadline) =>
        await Eventually.UntilAsync(
            async () => await ServerNowAsync() > deadline, $"the server's clock to pass the lease deadline {deadline:O}", Patience,
            Cancellation, TimeSpan.FromMilliseconds(10));

    private async Task RunConcurrentAsync(int jobCount, ConcurrentConsumerBehaviour[][] plans)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var options = new IngestQueueOptions
        {
            QueueName = "concurrent-" + run,
            // Short, so that abandoned and slow deliveries run out while the other consumers are busy.
            LeaseDuration = TimeSpan.FromMilliseconds(200),
            PollInterval = TimeSpan.FromMilliseconds(20),
            InitialRetryDelay = TimeSpan.Zero,
            MaxRetryDelay = TimeSpan.Zero,
            DependencyRetryDelay = TimeSpan.Zero,
            MaxDependencyRetryDelay = TimeSpan.Zero,
            // Nothing is dead-lettered: every job must end succeeded.
            MaxAttempts = 1000,
            MaxDeferrals = 1000,
            MaxLeaseExpiries = 1000,
        };
        using var producer = CreateQueue(options);
        var consumers = plans.Select(_ => CreateQueue(options)).ToList();
        var jobIds = Enumerable.Range(0, jobCount).Select(index => $"{run}-{index:D2}").ToList();
        var completions = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        stop.CancelAfter(TimeSpan.FromSeconds(60));

        async Task ConsumeAsync(RedisIngestQueue consumer, string name, ConcurrentConsumerBehaviour[] plan)
        {
            var deliveries = 0;
            while (completions.Count < jobCount)
            {
                stop.Token.ThrowIfCancellationRequested();
                if (await consumer.LeaseAsync(name, TimeSpan.FromMilliseconds(50), stop.Token) is not { } lease)
                {
                    continue;
                }

                Assert.Equal(TestJobs.Payload(jobIds.IndexOf(lease.Job.JobId) + 1, seed: jobIds.IndexOf(lease.Job.JobId)), lease.Payload.ToArray());
                var behaviour = deliveries < plan.Length ? plan[deliveries] : ConcurrentConsumerBehaviour.Complete;
                deliveries++;
                var completed = false;
                switch (behaviour)
                {
                    case ConcurrentConsumerBehaviour.Complete:
                        completed = await consumer.CompleteAsync(lease, CompletionResult, stop.Token);
                        break;
                    case ConcurrentConsumerBehaviour.FailTransiently:
                        await consumer.FailAsync(lease, "flaky", FailureKind.Transient, stop.Token);
                        break;
                    case ConcurrentConsumerBehaviour.FailDependencyUnavailable:
                        await consumer.FailAsync(lease, "index down", FailureKind.DependencyUnavailable, stop.Token);
                        break;
                    case ConcurrentConsumerBehaviour.Abandon:
                        break;
                    case ConcurrentConsumerBehaviour.CompleteAfterTheLeaseRanOut:
                        await WaitForTheServersClockToPassAsync(lease.LeaseExpiresAt);
                        completed = await consumer.CompleteAsync(lease, CompletionResult, stop.Token);
                        break;
                    case ConcurrentConsumerBehaviour.RenewThenComplete:
                        await consumer.RenewLeaseAsync(lease, stop.Token);
                        completed = await consumer.CompleteAsync(lease, CompletionResult, stop.Token);
                        break;
                    case ConcurrentConsumerBehaviour.Release:
                        await consumer.ReleaseAsync(lease, stop.Token);
                        break;
                }

                if (completed)
                {
                    completions.AddOrUpdate(lease.Job.JobId, 1, (_, count) => count + 1);
                }
            }
        }

        try
        {
            var consuming = consumers.Select((consumer, index) => Task.Run(() => ConsumeAsync(consumer, $"consumer-{index}", plans[index]), stop.Token)).ToList();
            foreach (var (jobId, index) in jobIds.Select((jobId, index) => (jobId, index)))
            {
                await producer.EnqueueAsync(TestJobs.Create(jobId), TestJobs.Payload(index + 1, seed: index), Cancellation);
            }

            await Task.WhenAll(consuming);
        }
        finally
        {
            consumers.ForEach(consumer => consumer.Dispose());
        }

        Assert.Equal(jobIds, completions.Keys.Order(StringComparer.Ordinal));
        Assert.All(completions, completion => Assert.True(completion.Value == 1, $"{completion.Key} was completed {completion.Value} times."));
        Assert.Null(await producer.LeaseAsync("checker", TimeSpan.Zero, Cancellation));
        Assert.Equal(new QueueDepth(0, 0, 0, 0, 0), await producer.GetDepthAsync(Cancellation));
        var statuses = new RedisJobStatusStore(server.Redis, Options.Create(options), TimeProvider.System, NullLogger<RedisJobStatusStore>.Instance);
        foreach (var jobId in jobIds)
        {
            var status = await statuses.GetAsync(jobId, Cancellation);
            Assert.Equal((JobState.Succeeded, 3), (status?.State, status?.ChunkCount));
        }
    }

    /// <summary>Runs the steps of one model-based run against the queue and the model, and compares them.</summary>
    private sealed class ModelStep(
        IConnectionMultiplexer redis, RedisIngestQueue queue, RedisIngestQueue shortLeases, RedisJobStatusStore statuses,
        IngestQueueModel model, string run)
    {
        private readonly IngestQueueKeys _keys = new(model.Options.QueueName);
        private int _steps;
        private int _expiries;
        private int _nextJob;
        private IngestQueueOperation? _operation;

        public async Task RunAsync(IngestQueueOperation operation)
        {
            _steps++;
            _operation = operation;
            switch (operation.Kind)
            {
                case Kind.Enqueue:
                    await EnqueueAsync(operation);
                    break;
                case Kind.EnqueueExistingId when model.Jobs.Count > 0:
                    var existing = model.Jobs[operation.Pick % model.Jobs.Count];
                    await Assert.ThrowsAsync<InvalidOperationException>(() =>
                        queue.EnqueueAsync(TestJobs.Create(existing.JobId, documentId: existing.DocumentId), new byte[1], Cancellation));
                    break;
                case Kind.EnqueueDelete:
                    await EnqueueDeleteAsync(operation);
                    break;
                case Kind.Lease:
                    await LeaseAsync(queue, operation.Consumer);
                    break;
                case Kind.LeaseAndLetExpire when _expiries < MaxExpiriesPerRun:
                    _expiries++;
                    if (await LeaseAsync(shortLeases, operation.Consumer) is { } expiring)
                    {
                        await WaitForServerClockAsync(expiring.LeaseExpiresAt);
                        model.LeaseExpired(expiring);
                    }

                    break;
                case Kind.Renew when PickLease(operation) is { } lease:
                    var holds = model.Holds(lease);
                    Same(holds, await queue.RenewLeaseAsync(lease, Cancellation), "renewed");
                    if (holds)
                    {
                        model.Renewed(lease);
                    }

                    break;
                case Kind.Complete when PickLease(operation) is { } lease:
                    var result = CompletionResult with { Outcome = operation.Outcome };
                    holds = model.Holds(lease);
                    Same(holds, await queue.CompleteAsync(lease, result, Cancellation), "completed");
                    if (holds)
                    {
                        model.Completed(lease, result);
                    }

                    break;
                case Kind.Fail when PickLease(operation) is { } lease:
                    await FailAsync(lease, operation.FailureKind);
                    break;
                case Kind.Release when PickLease(operation) is { } lease:
                    holds = model.Holds(lease);
                    Same(holds, await queue.ReleaseAsync(lease, Cancellation), "released");
                    if (holds)
                    {
                        model.Released(lease);
                    }

                    break;
                case Kind.Retry:
                    var jobId = operation.Pick < model.Jobs.Count ? model.Jobs[operation.Pick].JobId : $"{run}-unknown";
                    var expected = model.Retry(jobId);
                    Same(expected, await queue.RetryAsync(jobId, Cancellation), $"retry of {jobId}");
                    break;
                case Kind.RetryAll:
                    Same(model.RetryAll(), await queue.RetryFailedAsync(Cancellation), "retry of every dead letter");
                    break;
            }
        }

        /// <summary>
        /// Ends every job the way a worker would (completing whatever it leases, retrying the dead letters), then checks
        /// that each one ended exactly as the model says and that the queue holds nothing, not a byte.
        /// </summary>
        public async Task DrainAsync()
        {
            _operation = null;
            for (var round = 0; round < 20; round++)
            {
                foreach (var lease in model.Leases.Where(model.Holds).ToList())
                {
                    Same(true, await queue.CompleteAsync(lease, CompletionResult, Cancellation), "completed while draining");
                    model.Completed(lease, CompletionResult);
                }

                while (await LeaseAsync(queue, "drain") is { } lease)
                {
                    Same(true, await queue.CompleteAsync(lease, CompletionResult, Cancellation), "completed while draining");
                    model.Completed(lease, CompletionResult);
                }

                var retried = model.RetryAll();
                Same(retried, await queue.RetryFailedAsync(Cancellation), "retry of every dead letter while draining");

                // The dead-letter list keeps only the newest few: a retryable job trimmed off it is retried by its id,
                // as a user would (POST /api/v1/jobs/{id}/retry).
                var retriedById = 0;
                foreach (var job in model.Jobs.Where(job => job.DeadLettered && job.Retryable).ToList())
                {
                    var expected = model.Retry(job.JobId);
                    Same(expected, await queue.RetryAsync(job.JobId, Cancellation), $"retry of {job.JobId} while draining");
                    retriedById += expected == RetryOutcome.Requeued ? 1 : 0;
                }

                await CheckAsync();
                if (retried.Requeued == 0 && retriedById == 0 && model.Jobs.All(job => job.Place is ModelJobPlace.Ended || (job.DeadLettered && !job.Retryable)))
                {
                    break;
                }
            }

            foreach (var job in model.Jobs)
            {
                Same(job.Place == ModelJobPlace.Ended ? 1 : 0, job.Completions, $"acknowledged completions of {job}");
                Assert.True(
                    job.Place == ModelJobPlace.Ended || (job.DeadLettered && !job.Retryable),
                    $"{job} did not end after draining.");
            }

            var depth = await queue.GetDepthAsync(Cancellation);
            Same(0L, depth.QueuedBytes, "queued bytes after every job ended");
            Same(new QueueDepth(0, 0, 0, model.DeadLetters.Count, 0), depth, "depth after every job ended");
        }

        public async Task CheckAsync()
        {
            var database = redis.GetDatabase();
            var depth = queue.GetDepthAsync(Cancellation);
            var ready = database.ListRangeAsync(_keys.Ready);
            var processing = database.ListRangeAsync(_keys.Processing);
            var leases = database.SortedSetRangeByRankAsync(_keys.Leases);
            var delayed = database.SortedSetRangeByRankAsync(_keys.Delayed);
            var dead = database.ListRangeAsync(_keys.DeadLetters);
            var retained = database.SortedSetRangeByRankAsync(_keys.Retained);
            var jobs = model.Jobs.Select(job => (Job: job, Status: statuses.GetAsync(job.JobId, Cancellation),
                Payload: database.KeyExistsAsync(_keys.Payload(job.JobId)))).ToList();
            await Task.WhenAll(jobs.SelectMany(job => new Task[] { job.Status, job.Payload }).Append(depth));

            Same(string.Join(", ", model.Ready), Join(await ready), "ready list (in lease order)");
            Same(string.Join(", ", model.Processing), Join(await processing), "processing list");
            Same(Sorted(model.Processing), Sorted((await leases).Select(id => (string)id!)), "leases");
            Same(Sorted(model.Delayed), Sorted((await delayed).Select(id => (string)id!)), "delayed retries");
            Same(string.Join(", ", model.DeadLetters), Join(await dead), "dead letters (newest first)");
            Same(Sorted(model.Retained), Sorted((await retained).Select(id => (string)id!)), "kept payloads of dead letters");
            Same(model.Depth, await depth, "depth");
            foreach (var (job, status, payload) in jobs)
            {
                var actual = await status ?? throw Failure($"{job} has no status.");
                Same(job.Expected, JobStatusShape.Of(actual), $"status of {job}");
                Same(job.HoldsBytes, await payload, $"whether the payload of {job} is stored");
            }
        }

        private async Task EnqueueAsync(IngestQueueOperation operation)
        {
            var jobId = $"{run}-{_nextJob++:D2}";
            var documentId = $"{run}-doc-{operation.Pick}";
            var payload = PayloadOf(jobId, operation.Bytes);
            if (!model.Fits(operation.Bytes))
            {
                var full = await Assert.ThrowsAsync<QueueFullException>(() =>
                    queue.EnqueueAsync(TestJobs.Create(jobId, documentId: documentId), payload, Cancellation));
                Same(model.HeldBytes, full.QueuedBytes, "queued bytes reported by a full queue");
                Same(null, await statuses.GetAsync(jobId, Cancellation), $"status of {jobId}, refused by a full queue");
                return;
            }

            var queued = await queue.EnqueueAsync(TestJobs.Create(jobId, documentId: documentId), payload, Cancellation);
            model.Enqueued(jobId, documentId, JobKind.Ingest, queued.DocumentVersion, operation.Bytes);
        }

        private async Task EnqueueDeleteAsync(IngestQueueOperation operation)
        {
            var jobId = $"{run}-{_nextJob++:D2}";
            var documentId = $"{run}-doc-{operation.Pick}";
            var queues = model.DeleteQueues(documentId, operation.Indexed);
            var queued = await queue.EnqueueDeleteAsync(TestJobs.Delete(documentId, jobId), operation.Indexed, Cancellation);
            Same(queues, queued is not null, $"whether the delete of {documentId} was queued");
            if (queued is not null)
            {
                model.Enqueued(jobId, documentId, JobKind.Delete, queued.DocumentVersion, 0);
            }
            else
            {
                Same(null, await statuses.GetAsync(jobId, Cancellation), $"status of {jobId}, a delete with nothing to delete");
            }
        }

        private async Task<LeasedJob?> LeaseAsync(RedisIngestQueue consumer, string consumerId)
        {
            model.Maintain();
            var expected = model.Head;
            var lease = await consumer.LeaseAsync(consumerId, TimeSpan.Zero, Cancellation);
            Same(expected, lease?.Job.JobId, "job leased (the head of the ready list)");
            if (lease is null)
            {
                return null;
            }

            var job = model.Job(lease.Job.JobId);
            Same(job.Attempts + 1, lease.Attempt, $"attempt of {job}");
            Same((job.DocumentId, job.DocumentVersion, job.Kind), (lease.Job.DocumentId, lease.Job.DocumentVersion, lease.Job.Kind), $"job leased as {job}");
            Same((job.Failures, job.Deferrals), (lease.Failures, lease.Deferrals), $"failures and deferrals leased with {job}");
            Assert.True(PayloadOf(job.JobId, job.PayloadBytes).AsSpan().SequenceEqual(lease.Payload.Span), $"{job} leased with another payload.");
            model.Leased(lease);
            return lease;
        }

        private async Task FailAsync(LeasedJob lease, FailureKind kind)
        {
            var error = $"{kind} failure at step {_steps}";
            var holds = model.Holds(lease);
            Same(holds, await queue.FailAsync(lease, error, kind, Cancellation), "failed");
            if (holds && model.Failed(lease, error, kind))
            {
                var status = await statuses.GetAsync(lease.Job.JobId, Cancellation);
                model.Job(lease.Job.JobId).RetryDueAt = status?.NextAttemptAt ?? throw Failure($"{lease.Job.JobId} has no retry time.");
            }
        }

        private LeasedJob? PickLease(IngestQueueOperation operation) =>
            model.Leases.Count == 0 ? null : model.Leases[^(1 + (operation.Pick % model.Leases.Count))];

        private static byte[] PayloadOf(string jobId, int bytes) => TestJobs.Payload(bytes, seed: jobId.GetHashCode(StringComparison.Ordinal));

        private static string Join(RedisValue[] values) => string.Join(", ", values.Select(value => (string)value!));

        private static string Sorted(IEnumerable<string> ids) => string.Join(", ", ids.Order(StringComparer.Ordinal));

        private void Same<T>(T expected, T actual, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(expected, actual))
            {
                throw Failure($"{what}: expected {expected}, but the queue has {actual}.");
            }
        }

        private Xunit.Sdk.XunitException Failure(string message) => new(
            $"After step {_steps} ({_operation?.ToString() ?? "draining"}): {message}{Environment.NewLine}" +
            $"Model: ready [{string.Join(", ", model.Ready)}], processing [{string.Join(", ", model.Processing)}], " +
            $"dead [{string.Join(", ", model.DeadLetters)}]{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", model.Jobs)}");

        private async Task WaitForServerClockAsync(DateTimeOffset deadline) => await Eventually.UntilAsync(
            async () => await TestJobs.ServerNowAsync(redis) > deadline,
            $"the server's clock to pass the lease deadline {deadline:O}", Patience, Cancellation, TimeSpan.FromMilliseconds(10));
    }
}
