using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using StackExchange.Redis;

namespace RagApp.Tests.Queue;

/// <summary>
/// What the gateway and the ingest worker rely on, checked against every server RagApp runs on. Each test has a
/// queue of its own (a fresh queue name) on the fixture's server.
/// </summary>
public abstract class IngestQueueContractTests(QueueServerFixture server)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lease_DeliversJobsInEnqueueOrder()
    {
        using var queue = CreateQueue();
        var jobs = Enumerable.Range(0, 10).Select(_ => TestJobs.Create(queue.Clock)).ToList();
        foreach (var job in jobs)
        {
            await queue.Queue.EnqueueAsync(job, new byte[] { 1, 2, 3 }, Cancellation);
        }

        var leased = new List<string>();
        while (await queue.Queue.LeaseAsync("worker-1", TimeSpan.Zero, Cancellation) is { } lease)
        {
            leased.Add(lease.Job.JobId);
        }

        Assert.Equal(jobs.Select(job => job.JobId), leased);
    }

    [Fact]
    public async Task Lease_ReturnsTheJobAndItsBinaryPayloadUnchanged()
    {
        using var queue = CreateQueue();
        var metadata = new Dictionary<string, string> { ["lang"] = "de", ["note"] = "Grüße, \"quotes\" / slashes \n newline" };
        var job = TestJobs.Create(queue.Clock, metadata: metadata) with { Title = null, TraceState = "vendor=1" };
        var payload = Enumerable.Range(0, 1024).Select(i => (byte)(i % 256)).ToArray();

        await queue.Queue.EnqueueAsync(job, payload, Cancellation);
        var lease = await queue.Queue.LeaseAsync("worker-1", TimeSpan.Zero, Cancellation);

        Assert.NotNull(lease);
        Assert.Equal(payload, lease.Payload.ToArray());
        Assert.Equal(1, lease.Attempt);
        Assert.Equal(queue.Clock.GetUtcNow() + Lease, lease.LeaseExpiresAt);
        Assert.Equal(job with { Metadata = lease.Job.Metadata }, lease.Job);
        Assert.Equal(metadata, lease.Job.Metadata);
        var status = await queue.Statuses.GetAsync(job.JobId, Cancellation);
        Assert.NotNull(status);
        Assert.Equal(JobState.Processing, status.State);
        Assert.Equal(1, status.Attempts);
        Assert.Equal(queue.Clock.GetUtcNow(), status.StartedAt);
        Assert.Equal(payload.Length, status.PayloadBytes);
    }

    [Fact]
    public async Task Lease_Round_TripsA25MegabytePayload()
    {
        using var queue = CreateQueue();
        var job = TestJobs.Create(queue.Clock);
        var payload = TestJobs.Payload(25 * 1024 * 1024, seed: 25);

        await queue.Queue.EnqueueAsync(job, payload, Cancellation);
        var lease = await queue.Queue.LeaseAsync("worker-1", TimeSpan.Zero, Cancellation);

        Assert.NotNull(lease);
        Assert.True(payload.AsSpan().SequenceEqual(lease.Payload.Span));
        Assert.Equal(payload.Length, (await queue.Queue.GetDepthAsync(Cancellation)).QueuedBytes);
        Assert.True(await queue.Queue.CompleteAsync(lease, new JobResult(JobState.Succeeded, 3), Cancellation));
        Assert.Equal(0, (await queue.Queue.GetDepthAsync(Cancellation)).QueuedBytes);
    }

    [Fact]
    public async Task Complete_AcknowledgesTheJob_DeletesItsPayload_AndKeepsItsStatusForTheRetention()
    {
        using var queue = CreateQueue(options => options.StatusRetention = TimeSpan.FromHours(1));
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[100], Cancellation);
        var lease = await LeaseAsync(queue);
        queue.Clock.Advance(TimeSpan.FromSeconds(3));

        Assert.True(await queue.Queue.CompleteAsync(lease, new JobResult(JobState.Succeeded, 7, EmbeddedChunks: 5, CachedChunks: 2), Cancellation));

        var status = await queue.Statuses.GetAsync(job.JobId, Cancellation);
        Assert.NotNull(status);
        Assert.Equal(JobState.Succeeded, status.State);
        Assert.True(status.IsTerminal);
        Assert.Equal(7, status.ChunkCount);
        Assert.Equal(5, status.EmbeddedChunks);
        Assert.Equal(2, status.CachedChunks);
        Assert.Equal(queue.Clock.GetUtcNow(), status.CompletedAt);
        Assert.Equal(new QueueDepth(0, 0, 0, 0, 0), await queue.Queue.GetDepthAsync(Cancellation));
        Assert.False(await server.Redis.GetDatabase().KeyExistsAsync(IngestQueueKeys.Payload(job.JobId)));
        var ttl = await server.Redis.GetDatabase().KeyTimeToLiveAsync(IngestQueueKeys.Job(job.JobId));
        Assert.InRange(ttl!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        Assert.Null(await queue.Queue.LeaseAsync("worker-1", TimeSpan.Zero, Cancellation));
    }

    [Fact]
    public async Task Complete_AsUnchanged_IsTerminalToo()
    {
        using var queue = CreateQueue();
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[10], Cancellation);

        Assert.True(await queue.Queue.CompleteAsync(await LeaseAsync(queue), new JobResult(JobState.Unchanged, 0), Cancellation));

        var status = await queue.Statuses.GetAsync(job.JobId, Cancellation);
        Assert.Equal(JobState.Unchanged, status?.State);
        Assert.True(status?.IsTerminal);
    }

    [Fact]
    public async Task Lease_WaitsForAJobEnqueuedMeanwhile_WokenByTheEnqueueNotPolling()
    {
        // A poll interval far beyond the wait: only the enqueue notification can bring the job in time.
        using var queue = CreateQueue(options => options.PollInterval = TimeSpan.FromMinutes(5));
        using var producer = CreateQueue(options => options.QueueName = queue.Options.QueueName);
        Assert.Null(await queue.Queue.LeaseAsync("worker-1", TimeSpan.FromMilliseconds(100), Cancellation));

        var waiting = queue.Queue.LeaseAsync("worker-1", TimeSpan.FromSeconds(30), Cancellation);
        await Task.Delay(200, Cancellation);
        var job = TestJobs.Create(queue.Clock);
        await producer.Queue.EnqueueAsync(job, new byte[1], Cancellation);

        var lease = await waiting;
        Assert.Equal(job.JobId, lease?.Job.JobId);
    }

    [Fact]
    public async Task ExpiredLease_IsRequeued_AndLeasedAgainWithTheNextAttempt()
    {
        using var queue = CreateQueue();
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[] { 42 }, Cancellation);
        var first = await LeaseAsync(queue, "worker-1");

        queue.Clock.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.Null(await queue.Queue.LeaseAsync("worker-2", TimeSpan.Zero, Cancellation));
        queue.Clock.Advance(TimeSpan.FromMilliseconds(2));
        var second = await LeaseAsync(queue, "worker-2");

        Assert.Equal(job.JobId, second.Job.JobId);
        Assert.Equal(2, second.Attempt);
        Assert.Equal(new byte[] { 42 }, second.Payload.ToArray());
        Assert.NotEqual(first.LeaseToken, second.LeaseToken);
        var status = await queue.Statuses.GetAsync(job.JobId, Cancellation);
        Assert.Equal((JobState.Processing, 2), (status?.State, status?.Attempts));
        Assert.Equal(new QueueDepth(0, 1, 0, 0, 1), await queue.Queue.GetDepthAsync(Cancellation));
    }

    [Fact]
    public async Task StaleLease_CannotRenewCompleteOrFail_OnceTheJobWasHandedToAnotherConsumer()
    {
        using var queue = CreateQueue();
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[50], Cancellation);
        var stale = await LeaseAsync(queue, "worker-1");
        queue.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var current = await LeaseAsync(queue, "worker-2");

        Assert.False(await queue.Queue.RenewLeaseAsync(stale, Cancellation));
        Assert.False(await queue.Queue.CompleteAsync(stale, new JobResult(JobState.Succeeded, 1), Cancellation));
        Assert.False(await queue.Queue.FailAsync(stale, "too late", permanent: true, Cancellation));

        var status = await queue.Statuses.GetAsync(job.JobId, Cancellation);
        Assert.Equal(JobState.Processing, status?.State);
        Assert.Equal(new QueueDepth(0, 1, 0, 0, 50), await queue.Queue.GetDepthAsync(Cancellation));
        Assert.True(await queue.Queue.CompleteAsync(current, new JobResult(JobState.Succeeded, 1), Cancellation));
        Assert.Equal(new QueueDepth(0, 0, 0, 0, 0), await queue.Queue.GetDepthAsync(Cancellation));
    }

    [Fact]
    public async Task RenewLease_KeepsTheJob_PastItsFirstDeadline()
    {
        using var queue = CreateQueue();
        await queue.Queue.EnqueueAsync(TestJobs.Create(queue.Clock), new byte[1], Cancellation);
        var lease = await LeaseAsync(queue);

        queue.Clock.Advance(Lease * 0.9);
        Assert.True(await queue.Queue.RenewLeaseAsync(lease, Cancellation));
        queue.Clock.Advance(Lease * 0.5);
        Assert.Null(await queue.Queue.LeaseAsync("worker-2", TimeSpan.Zero, Cancellation));
        Assert.True(await queue.Queue.CompleteAsync(lease, new JobResult(JobState.Succeeded, 1), Cancellation));
    }

    [Fact]
    public async Task TransientFailure_IsRetriedAfterAnExponentiallyGrowingDelay()
    {
        using var queue = CreateQueue(options =>
        {
            options.InitialRetryDelay = TimeSpan.FromSeconds(2);
            options.MaxRetryDelay = TimeSpan.FromMinutes(5);
        });
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[8], Cancellation);

        var expectedDelay = TimeSpan.FromSeconds(2);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var lease = await LeaseAsync(queue);
            Assert.Equal(attempt, lease.Attempt);
            Assert.True(await queue.Queue.FailAsync(lease, $"boom {attempt}", permanent: false, Cancellation));

            var status = await queue.Statuses.GetAsync(job.JobId, Cancellation);
            Assert.NotNull(status);
            Assert.Equal(JobState.Queued, status.State);
            Assert.Equal($"boom {attempt}", status.Error);
            var delay = status.NextAttemptAt!.Value - queue.Clock.GetUtcNow();
            Assert.InRange(delay, expectedDelay * (1 - RetryBackoff.MaxJitter) - TimeSpan.FromMilliseconds(1), expectedDelay);
            Assert.Equal(new QueueDepth(0, 0, 1, 0, 8), await queue.Queue.GetDepthAsync(Cancellation));

            queue.Clock.Advance(delay - TimeSpan.FromMilliseconds(1));
            Assert.Null(await queue.Queue.LeaseAsync("worker-1", TimeSpan.Zero, Cancellation));
            queue.Clock.Advance(TimeSpan.FromMilliseconds(1));
            expectedDelay *= 2;
        }

        var last = await LeaseAsync(queue);
        Assert.Equal(4, last.Attempt);
        Assert.True(await queue.Queue.CompleteAsync(last, new JobResult(JobState.Succeeded, 2), Cancellation));
        var final = await queue.Statuses.GetAsync(job.JobId, Cancellation);
        Assert.Equal((JobState.Succeeded, 4, null), (final?.State, final?.Attempts, final?.Error));
    }

    [Fact]
    public async Task TransientFailure_OnTheLastAttempt_DeadLettersTheJobWithItsError()
    {
        using var queue = CreateQueue(options =>
        {
            options.MaxAttempts = 3;
            options.InitialRetryDelay = TimeSpan.Zero;
            options.StatusRetention = TimeSpan.FromHours(2);
        });
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[300], Cancellation);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.True(await queue.Queue.FailAsync(await LeaseAsync(queue), $"error {attempt}", permanent: false, Cancellation));
        }

        var status = await queue.Statuses.GetAsync(job.JobId, Cancellation);
        Assert.NotNull(status);
        Assert.Equal((JobState.Failed, true, "error 3", 3), (status.State, status.DeadLettered, status.Error, status.Attempts));
        Assert.True(status.IsTerminal);
        Assert.Equal(new QueueDepth(0, 0, 0, 1, 0), await queue.Queue.GetDepthAsync(Cancellation));
        Assert.Null(await queue.Queue.LeaseAsync("worker-1", TimeSpan.Zero, Cancellation));
        Assert.Equal(job.JobId, (string?)await server.Redis.GetDatabase().ListGetByIndexAsync(queue.Keys.DeadLetters, 0));
        Assert.False(await server.Redis.GetDatabase().KeyExistsAsync(IngestQueueKeys.Payload(job.JobId)));
        Assert.InRange((await server.Redis.GetDatabase().KeyTimeToLiveAsync(IngestQueueKeys.Job(job.JobId)))!.Value, TimeSpan.FromHours(1.9), TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task PermanentFailure_DeadLettersTheJobAtOnce()
    {
        using var queue = CreateQueue();
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[64], Cancellation);

        Assert.True(await queue.Queue.FailAsync(await LeaseAsync(queue), "unsupported format", permanent: true, Cancellation));

        var status = await queue.Statuses.GetAsync(job.JobId, Cancellation);
        Assert.Equal((JobState.Failed, true, "unsupported format", 1), (status?.State, status?.DeadLettered, status?.Error, status?.Attempts));
        Assert.Equal(new QueueDepth(0, 0, 0, 1, 0), await queue.Queue.GetDepthAsync(Cancellation));
    }

    [Fact]
    public async Task ExpiredLease_OnTheLastAttempt_DeadLettersTheJob()
    {
        using var queue = CreateQueue(options => options.MaxAttempts = 2);
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[70], Cancellation);

        await LeaseAsync(queue, "crashing-1");
        queue.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
        var last = await LeaseAsync(queue, "crashing-2");
        queue.Clock.Advance(Lease + TimeSpan.FromSeconds(1));

        Assert.Null(await queue.Queue.LeaseAsync("worker-3", TimeSpan.Zero, Cancellation));
        // The slow consumer coming back after its job was dead-lettered must not release the bytes a second time.
        Assert.False(await queue.Queue.CompleteAsync(last, new JobResult(JobState.Succeeded, 1), Cancellation));
        Assert.False(await queue.Queue.FailAsync(last, "late", permanent: true, Cancellation));
        var status = await queue.Statuses.GetAsync(job.JobId, Cancellation);
        Assert.Equal((JobState.Failed, true, 2), (status?.State, status?.DeadLettered, status?.Attempts));
        Assert.Contains("lease expired", status?.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(new QueueDepth(0, 0, 0, 1, 0), await queue.Queue.GetDepthAsync(Cancellation));
    }

    [Fact]
    public async Task Enqueue_BeyondTheByteBudget_ThrowsQueueFull_AndBytesAreReleasedExactly()
    {
        using var queue = CreateQueue(options =>
        {
            options.MaxQueuedBytes = 1000;
            options.QueueFullRetryAfter = TimeSpan.FromSeconds(17);
            options.InitialRetryDelay = TimeSpan.Zero;
        });
        await queue.Queue.EnqueueAsync(TestJobs.Create(queue.Clock), new byte[400], Cancellation);
        await queue.Queue.EnqueueAsync(TestJobs.Create(queue.Clock), new byte[400], Cancellation);
        var refused = TestJobs.Create(queue.Clock);

        var full = await Assert.ThrowsAsync<QueueFullException>(() => queue.Queue.EnqueueAsync(refused, new byte[201], Cancellation));

        Assert.Equal(TimeSpan.FromSeconds(17), full.RetryAfter);
        Assert.Null(await queue.Statuses.GetAsync(refused.JobId, Cancellation));
        Assert.Equal(new QueueDepth(2, 0, 0, 0, 800), await queue.Queue.GetDepthAsync(Cancellation));
        await queue.Queue.EnqueueAsync(TestJobs.Create(queue.Clock), new byte[200], Cancellation);
        Assert.Equal(1000, (await queue.Queue.GetDepthAsync(Cancellation)).QueuedBytes);

        // A transient failure keeps the bytes (the job comes back); completion and dead-lettering release them.
        var first = await LeaseAsync(queue);
        Assert.True(await queue.Queue.FailAsync(first, "flaky", permanent: false, Cancellation));
        Assert.Equal(new QueueDepth(2, 0, 1, 0, 1000), await queue.Queue.GetDepthAsync(Cancellation));
        Assert.True(await queue.Queue.CompleteAsync(await LeaseAsync(queue), new JobResult(JobState.Succeeded, 1), Cancellation));
        Assert.Equal(600, (await queue.Queue.GetDepthAsync(Cancellation)).QueuedBytes);
        Assert.True(await queue.Queue.FailAsync(await LeaseAsync(queue), "broken", permanent: true, Cancellation));
        Assert.Equal(new QueueDepth(1, 0, 0, 1, 400), await queue.Queue.GetDepthAsync(Cancellation));

        await queue.Queue.EnqueueAsync(TestJobs.Create(queue.Clock), new byte[600], Cancellation);
        Assert.Equal(1000, (await queue.Queue.GetDepthAsync(Cancellation)).QueuedBytes);
        await Assert.ThrowsAsync<QueueFullException>(() => queue.Queue.EnqueueAsync(TestJobs.Create(queue.Clock), new byte[1], Cancellation));
    }

    [Fact]
    public async Task Enqueue_OfAPayloadLargerThanTheWholeBudget_IsRejectedAsAnArgument()
    {
        using var queue = CreateQueue(options => options.MaxQueuedBytes = 100);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => queue.Queue.EnqueueAsync(TestJobs.Create(queue.Clock), new byte[101], Cancellation));
        Assert.Equal(new QueueDepth(0, 0, 0, 0, 0), await queue.Queue.GetDepthAsync(Cancellation));
    }

    [Fact]
    public async Task Enqueue_OfAnExistingJobId_IsRejected_AndChangesNothing()
    {
        using var queue = CreateQueue();
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[3], Cancellation);

        await Assert.ThrowsAsync<InvalidOperationException>(() => queue.Queue.EnqueueAsync(job, new byte[5], Cancellation));
        Assert.Equal(new QueueDepth(1, 0, 0, 0, 3), await queue.Queue.GetDepthAsync(Cancellation));
    }

    [Fact]
    public async Task GetDepth_CountsEveryPlaceAJobCanBe()
    {
        using var queue = CreateQueue(options => options.InitialRetryDelay = TimeSpan.FromMinutes(1));
        for (var i = 1; i <= 5; i++)
        {
            await queue.Queue.EnqueueAsync(TestJobs.Create(queue.Clock), new byte[i * 10], Cancellation);
        }

        Assert.True(await queue.Queue.FailAsync(await LeaseAsync(queue), "later", permanent: false, Cancellation));
        Assert.True(await queue.Queue.FailAsync(await LeaseAsync(queue), "never", permanent: true, Cancellation));
        await LeaseAsync(queue);

        // 10 bytes delayed, 20 dead-lettered (released), 30 processing, 40 + 50 ready.
        Assert.Equal(new QueueDepth(Ready: 2, Processing: 1, Delayed: 1, DeadLettered: 1, QueuedBytes: 130), await queue.Queue.GetDepthAsync(Cancellation));
    }

    [Fact]
    public async Task ConcurrentConsumers_CompleteEveryJobExactlyOnce()
    {
        const int JobCount = 300;
        using var producer = CreateQueue(options => options.InitialRetryDelay = TimeSpan.Zero);
        var consumers = Enumerable.Range(0, 4)
            .Select(_ => CreateQueue(options =>
            {
                options.QueueName = producer.Options.QueueName;
                options.InitialRetryDelay = TimeSpan.Zero;
                options.PollInterval = TimeSpan.FromMilliseconds(20);
            }, producer.Clock))
            .ToList();
        var jobIds = Enumerable.Range(0, JobCount).Select(i => $"job-{i:D3}-{Guid.NewGuid():N}").ToList();
        var indexOf = jobIds.Select((jobId, index) => (jobId, index)).ToDictionary(pair => pair.jobId, pair => pair.index);
        var completions = new ConcurrentDictionary<string, int>();
        var failedOnce = new ConcurrentDictionary<string, bool>();

        async Task ConsumeAsync(TestQueue consumer, string name)
        {
            while (completions.Count < JobCount)
            {
                if (await consumer.Queue.LeaseAsync(name, TimeSpan.FromMilliseconds(100), Cancellation) is not { } lease)
                {
                    continue;
                }

                var index = indexOf[lease.Job.JobId];
                Assert.Equal(index % 251, lease.Payload.Length);
                Assert.All(lease.Payload.ToArray(), value => Assert.Equal((byte)index, value));
                // Every seventh job fails once, so retries mix with first deliveries.
                if (index % 7 == 0 && failedOnce.TryAdd(lease.Job.JobId, true))
                {
                    Assert.True(await consumer.Queue.FailAsync(lease, "transient", permanent: false, Cancellation));
                    continue;
                }

                Assert.True(await consumer.Queue.CompleteAsync(lease, new JobResult(JobState.Succeeded, 1), Cancellation));
                completions.AddOrUpdate(lease.Job.JobId, 1, (_, count) => count + 1);
            }
        }

        var consuming = consumers.Select((consumer, index) => Task.Run(() => ConsumeAsync(consumer, $"worker-{index}"), Cancellation)).ToList();
        foreach (var jobId in jobIds)
        {
            var index = indexOf[jobId];
            var payload = Enumerable.Repeat((byte)index, index % 251).ToArray();
            await producer.Queue.EnqueueAsync(TestJobs.Create(producer.Clock, jobId), payload, Cancellation);
        }

        await Task.WhenAll(consuming).WaitAsync(TimeSpan.FromMinutes(3), Cancellation);
        consumers.ForEach(consumer => consumer.Dispose());

        Assert.Equal(jobIds.Order(), completions.Keys.Order());
        Assert.All(completions.Values, count => Assert.Equal(1, count));
        Assert.Equal(new QueueDepth(0, 0, 0, 0, 0), await producer.Queue.GetDepthAsync(Cancellation));
        foreach (var jobId in jobIds)
        {
            var status = await producer.Statuses.GetAsync(jobId, Cancellation);
            Assert.Equal(JobState.Succeeded, status?.State);
            Assert.Equal(failedOnce.ContainsKey(jobId) ? 2 : 1, status?.Attempts);
        }
    }

    [Fact]
    public async Task ConcurrentConsumers_ThatCrashFailAndRaceExpiringLeases_KeepTheByteCountExact()
    {
        const int JobCount = 200;
        using var producer = CreateQueue(options =>
        {
            options.MaxAttempts = 4;
            options.InitialRetryDelay = TimeSpan.Zero;
        });
        var consumers = Enumerable.Range(0, 4)
            .Select(_ => CreateQueue(options =>
            {
                options.QueueName = producer.Options.QueueName;
                options.MaxAttempts = 4;
                options.InitialRetryDelay = TimeSpan.Zero;
                options.PollInterval = TimeSpan.FromMilliseconds(20);
            }, producer.Clock))
            .ToList();
        var successes = new ConcurrentDictionary<int, int>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        // By job index: 0 crashes (abandons its first lease), 1 fails permanently, 2 fails until dead-lettered,
        // 3 and 4 succeed. Meanwhile the clock jumps past the lease so that expiries race with everything else.
        async Task ConsumeAsync(TestQueue consumer, string name)
        {
            while (!stop.IsCancellationRequested)
            {
                if (await consumer.Queue.LeaseAsync(name, TimeSpan.FromMilliseconds(50), CancellationToken.None) is not { } lease)
                {
                    continue;
                }

                var index = int.Parse(lease.Job.JobId.AsSpan(0, 3), System.Globalization.CultureInfo.InvariantCulture);
                Assert.Equal(TestJobs.Payload(index * 3, seed: index), lease.Payload.ToArray());
                switch (index % 5)
                {
                    case 0 when lease.Attempt == 1:
                        break;
                    case 1:
                        await consumer.Queue.FailAsync(lease, "unreadable", permanent: true, CancellationToken.None);
                        break;
                    case 2:
                        await consumer.Queue.FailAsync(lease, "flaky", permanent: false, CancellationToken.None);
                        break;
                    default:
                        if (await consumer.Queue.CompleteAsync(lease, new JobResult(JobState.Succeeded, 1), CancellationToken.None))
                        {
                            successes.AddOrUpdate(index, 1, (_, count) => count + 1);
                        }

                        break;
                }
            }
        }

        var consuming = consumers.Select((consumer, index) => Task.Run(() => ConsumeAsync(consumer, $"worker-{index}"), Cancellation)).ToList();
        for (var index = 0; index < JobCount; index++)
        {
            await producer.Queue.EnqueueAsync(TestJobs.Create(producer.Clock, $"{index:D3}-{Guid.NewGuid():N}"), TestJobs.Payload(index * 3, seed: index), Cancellation);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        QueueDepth depth;
        while ((depth = await producer.Queue.GetDepthAsync(Cancellation)) is not { Ready: 0, Processing: 0, Delayed: 0 })
        {
            Assert.True(DateTime.UtcNow < deadline, $"The queue did not drain: {depth}");
            producer.Clock.Advance(Lease + TimeSpan.FromSeconds(1));
            await Task.Delay(30, Cancellation);
        }

        await stop.CancelAsync();
        await Task.WhenAll(consuming);
        consumers.ForEach(consumer => consumer.Dispose());

        var expectedDeadLetters = Enumerable.Range(0, JobCount).Count(index => index % 5 is 1 or 2);
        Assert.Equal(new QueueDepth(0, 0, 0, expectedDeadLetters, 0), depth);
        Assert.All(successes.Values, count => Assert.Equal(1, count));
        Assert.Equal(Enumerable.Range(0, JobCount).Where(index => index % 5 is 0 or 3 or 4), successes.Keys.Order());
    }

    [Fact]
    public async Task Watch_YieldsQueuedProcessingSucceeded_AndCompletes()
    {
        using var queue = CreateQueue();
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[9], Cancellation);
        var seen = new List<JobStatus>();

        await using var watch = queue.Statuses.WatchAsync(job.JobId, Cancellation).GetAsyncEnumerator(Cancellation);
        Assert.True(await watch.MoveNextAsync());
        seen.Add(watch.Current);
        var lease = await LeaseAsync(queue);
        Assert.True(await watch.MoveNextAsync());
        seen.Add(watch.Current);
        queue.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await queue.Queue.CompleteAsync(lease, new JobResult(JobState.Succeeded, 4), Cancellation));
        Assert.True(await watch.MoveNextAsync());
        seen.Add(watch.Current);

        Assert.False(await watch.MoveNextAsync());
        Assert.Equal([JobState.Queued, JobState.Processing, JobState.Succeeded], seen.Select(status => status.State));
        Assert.Equal(4, seen[2].ChunkCount);
        Assert.Equal(queue.Clock.GetUtcNow(), seen[2].CompletedAt);
    }

    [Fact]
    public async Task Watch_MissesNoChange_RacingWithTheStartOfTheWatch()
    {
        using var queue = CreateQueue();
        for (var round = 0; round < 20; round++)
        {
            var job = TestJobs.Create(queue.Clock);
            await queue.Queue.EnqueueAsync(job, new byte[1], Cancellation);

            // The lease races with the watch's subscribe and first read; whichever wins, no state may be skipped.
            var watching = Task.Run(() => queue.Statuses.WatchAsync(job.JobId, Cancellation).Select(status => status.State).ToListAsync(Cancellation).AsTask(), Cancellation);
            var lease = await LeaseAsync(queue);
            await Task.Delay(round % 3, Cancellation);
            Assert.True(await queue.Queue.CompleteAsync(lease, new JobResult(JobState.Succeeded, 1), Cancellation));
            var seen = await watching.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);

            JobState[] lifecycle = [JobState.Queued, JobState.Processing, JobState.Succeeded];
            Assert.InRange(seen.Count, 1, lifecycle.Length);
            Assert.Equal(lifecycle[^seen.Count..], seen);
        }
    }

    [Fact]
    public async Task Watch_OfAFailingJob_FollowsRetriesToTheDeadLetter()
    {
        using var queue = CreateQueue(options =>
        {
            options.MaxAttempts = 2;
            options.InitialRetryDelay = TimeSpan.Zero;
        });
        var job = TestJobs.Create(queue.Clock);
        await queue.Queue.EnqueueAsync(job, new byte[1], Cancellation);
        var watching = queue.Statuses.WatchAsync(job.JobId, Cancellation).ToListAsync(Cancellation).AsTask();

        Assert.True(await queue.Queue.FailAsync(await LeaseAsync(queue), "first", permanent: false, Cancellation));
        Assert.True(await queue.Queue.FailAsync(await LeaseAsync(queue), "second", permanent: false, Cancellation));
        var seen = await watching.WaitAsync(TimeSpan.FromSeconds(30), Cancellation);

        Assert.Equal(JobState.Failed, seen[^1].State);
        Assert.Equal("second", seen[^1].Error);
        Assert.Contains(seen, status => status is { State: JobState.Queued, Error: "first" });
        Assert.Equal(2, seen.Count(status => status.State == JobState.Processing));
    }

    [Fact]
    public async Task Watch_OfAnUnknownJob_CompletesWithoutStatuses()
    {
        using var queue = CreateQueue();

        var seen = await queue.Statuses.WatchAsync("no-such-job", Cancellation).ToListAsync(Cancellation);

        Assert.Empty(seen);
    }

    private static async Task<LeasedJob> LeaseAsync(TestQueue queue, string consumerId = "worker-1") =>
        await queue.Queue.LeaseAsync(consumerId, TimeSpan.Zero, Cancellation)
        ?? throw new Xunit.Sdk.XunitException("Expected a job to lease.");

    private TestQueue CreateQueue(Action<IngestQueueOptions>? configure = null, ManualClock? clock = null)
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        var options = new IngestQueueOptions
        {
            QueueName = "test-" + Guid.NewGuid().ToString("N"),
            LeaseDuration = Lease,
            PollInterval = TimeSpan.FromMilliseconds(50),
        };
        configure?.Invoke(options);
        clock ??= new ManualClock();
        var queue = new RedisIngestQueue(server.Redis, Options.Create(options), clock, NullLogger<RedisIngestQueue>.Instance);
        var statuses = new RedisJobStatusStore(server.Redis, Options.Create(options), clock, NullLogger<RedisJobStatusStore>.Instance);
        return new TestQueue(queue, statuses, options, clock);
    }

    private sealed record TestQueue(RedisIngestQueue Queue, RedisJobStatusStore Statuses, IngestQueueOptions Options, ManualClock Clock) : IDisposable
    {
        public IngestQueueKeys Keys { get; } = new(Options.QueueName);

        public void Dispose() => Queue.Dispose();
    }
}
