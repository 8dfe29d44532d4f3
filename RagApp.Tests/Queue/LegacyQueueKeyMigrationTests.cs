using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using RagApp.Core.Redis;
using RagApp.Tests.Support;
using StackExchange.Redis;

namespace RagApp.Tests.Queue;

/// <summary>
/// A store an earlier version wrote, with its jobs under the queue's former key names (no hash tag), upgraded: the
/// start-up move brings every job back under the current names, merged with jobs queued since, and running it again
/// changes nothing. The former store is made by the current queue and renamed key by key to the former layout, which
/// differs from the current one only in its names.
/// </summary>
public abstract class LegacyQueueKeyMigrationTests(QueueServerFixture server)
{
    private const int Timeout = 120_000;

    [Fact(Timeout = Timeout)]
    public async Task JobsQueuedUnderTheFormerNames_AreLeasedAfterTheMove_InOrder_WithPayloadsStatusesVersionsAndTheByteCount()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (queue, statuses, options) = Create();
        using var _ = queue;
        var (first, second, retried, failed, done) = (TestJobs.Create(), TestJobs.Create(), TestJobs.Create(), TestJobs.Create(), TestJobs.Create());
        await queue.EnqueueAsync(done, TestJobs.Payload(10, 5), cancellationToken);
        await queue.CompleteAsync(await LeaseFromAsync(queue, done.JobId), new JobResult(JobState.Succeeded, 3), cancellationToken);
        await queue.EnqueueAsync(first, TestJobs.Payload(300, 1), cancellationToken);
        // A version ahead of the clock, so that only the moved record can explain the next one.
        await server.Redis.GetDatabase().HashSetAsync(new IngestQueueKeys(options.QueueName).Document(first.DocumentId), "version", "9000000000000000");
        await queue.EnqueueAsync(second, TestJobs.Payload(400, 2), cancellationToken);
        await queue.EnqueueAsync(retried, TestJobs.Payload(500, 3), cancellationToken);
        await queue.EnqueueAsync(failed, TestJobs.Payload(600, 4), cancellationToken);
        // All four leased; two fail, and the first two are handed back (first in line again).
        var (leaseFirst, leaseSecond) = (await LeaseFromAsync(queue, first.JobId), await LeaseFromAsync(queue, second.JobId));
        var (leaseRetried, leaseFailed) = (await LeaseFromAsync(queue, retried.JobId), await LeaseFromAsync(queue, failed.JobId));
        await queue.FailAsync(leaseRetried, "flaky", FailureKind.Transient, cancellationToken);
        await queue.FailAsync(leaseFailed, "broken", FailureKind.Permanent, cancellationToken);
        await queue.ReleaseAsync(leaseSecond, cancellationToken);
        await queue.ReleaseAsync(leaseFirst, cancellationToken);
        var before = await queue.GetDepthAsync(cancellationToken);
        Assert.Equal((2, 0, 1, 1, 300 + 400 + 500), (before.Ready, before.Processing, before.Delayed, before.DeadLettered, before.QueuedBytes));

        var renamed = await RenameToFormerLayoutAsync(options.QueueName);
        Assert.Equal(new QueueDepth(0, 0, 0, 0, 0), await queue.GetDepthAsync(cancellationToken));
        Assert.Null(await statuses.GetAsync(first.JobId, cancellationToken));
        // Queued by this version before the move ran: it joins behind the former jobs.
        var since = TestJobs.Create();
        await queue.EnqueueAsync(since, TestJobs.Payload(50, 6), cancellationToken);

        var moved = await Migration(options).MigrateAsync(cancellationToken);

        Assert.Equal(renamed, moved);
        Assert.Equal((3, 0, 1, 1, 300 + 400 + 500 + 50), await DepthAsync(queue));
        Assert.Equal(JobState.Succeeded, (await statuses.GetAsync(done.JobId, cancellationToken))?.State);
        Assert.Equal(JobState.Failed, (await statuses.GetAsync(failed.JobId, cancellationToken))?.State);
        var leased = new List<LeasedJob>();
        await Eventually.UntilAsync(
            async () =>
            {
                while (await queue.LeaseAsync("worker-2", TimeSpan.Zero, cancellationToken) is { } lease)
                {
                    leased.Add(lease);
                }

                return leased.Count == 4;
            },
            "the retry to come due",
            TimeSpan.FromSeconds(30),
            cancellationToken);
        Assert.Equal([first.JobId, second.JobId, since.JobId, retried.JobId], leased.Select(lease => lease.Job.JobId));
        Assert.Equal(TestJobs.Payload(300, 1), leased[0].Payload.ToArray());
        Assert.Equal(TestJobs.Payload(500, 3), leased[3].Payload.ToArray());
        Assert.Equal(2, leased[3].Attempt);
        foreach (var lease in leased)
        {
            Assert.True(await queue.CompleteAsync(lease, new JobResult(JobState.Succeeded, 1), cancellationToken));
        }

        Assert.Equal((0, 0, 0, 1, 0), await DepthAsync(queue));
        // The document's record came along: its next submission counts on from the version handed out before the upgrade.
        var resubmitted = await queue.EnqueueAsync(TestJobs.Create(documentId: first.DocumentId), TestJobs.Payload(1, 7), cancellationToken);
        Assert.Equal(9000000000000001, resubmitted.DocumentVersion);
    }

    [Fact(Timeout = Timeout)]
    public async Task TheMove_RunAgain_OrOnAStoreWithoutFormerKeys_ChangesNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (queue, _, options) = Create();
        using var _ = queue;
        var migration = Migration(options);
        Assert.Equal(0, await migration.MigrateAsync(cancellationToken));

        var job = TestJobs.Create();
        await queue.EnqueueAsync(job, TestJobs.Payload(100, 1), cancellationToken);
        await queue.HeartbeatAsync("worker-1", cancellationToken);
        var renamed = await RenameToFormerLayoutAsync(options.QueueName);
        Assert.Equal(renamed - 1, await migration.MigrateAsync(cancellationToken));
        var depth = await DepthAsync(queue);

        Assert.Equal(0, await migration.MigrateAsync(cancellationToken));
        Assert.Equal(0, await Migration(options).MigrateAsync(cancellationToken));

        Assert.Equal(depth, await DepthAsync(queue));
        Assert.Equal((1, 0, 0, 0, 100), depth);
        Assert.Equal(job.JobId, (await LeaseAsync(queue)).Job.JobId);
        // The former heartbeats were dropped, not moved.
        Assert.Equal(0, await server.Redis.GetDatabase().SortedSetLengthAsync(new IngestQueueKeys(options.QueueName).Workers));
    }

    [Fact(Timeout = Timeout)]
    public async Task TwoQueuesOnOneRedis_EachMovesOnlyItsOwnLiveJobs()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (queueA, _, optionsA) = Create();
        var (queueB, statusesB, optionsB) = Create();
        using var a = queueA;
        using var b = queueB;
        var (jobA, jobB) = (TestJobs.Create(), TestJobs.Create());
        await queueA.EnqueueAsync(jobA, TestJobs.Payload(10, 1), cancellationToken);
        await queueB.EnqueueAsync(jobB, TestJobs.Payload(20, 2), cancellationToken);
        await RenameToFormerLayoutAsync(optionsA.QueueName);
        await RenameToFormerLayoutAsync(optionsB.QueueName);

        await Migration(optionsA).MigrateAsync(cancellationToken);

        Assert.Equal(jobA.JobId, (await LeaseAsync(queueA)).Job.JobId);
        Assert.Null(await statusesB.GetAsync(jobB.JobId, cancellationToken));
        await Migration(optionsB).MigrateAsync(cancellationToken);
        var leased = await LeaseAsync(queueB);
        Assert.Equal(jobB.JobId, leased.Job.JobId);
        Assert.Equal(TestJobs.Payload(20, 2), leased.Payload.ToArray());
    }

    [Fact(Timeout = Timeout)]
    public async Task AJobLeasedBeforeTheUpgrade_IsLeasedAgainOnceItsLeaseRunsOut()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (queue, _, options) = Create(lease: TimeSpan.FromMilliseconds(300));
        using var _ = queue;
        var job = TestJobs.Create();
        await queue.EnqueueAsync(job, TestJobs.Payload(100, 1), cancellationToken);
        await LeaseAsync(queue);
        await RenameToFormerLayoutAsync(options.QueueName);

        await Migration(options).MigrateAsync(cancellationToken);

        Assert.Equal((0, 1, 0, 0, 100), await DepthAsync(queue));
        // The consumer that held it ran the former version: its acknowledgement finds no job under the former names and
        // changes nothing, so the lease runs out and the job is handed out again.
        var again = await queue.LeaseAsync("worker-2", TimeSpan.FromSeconds(30), cancellationToken);
        Assert.Equal((job.JobId, 2), (again?.Job.JobId, again?.Attempt));
    }

    private (RedisIngestQueue Queue, RedisJobStatusStore Statuses, IngestQueueOptions Options) Create(TimeSpan? lease = null)
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        var options = new IngestQueueOptions
        {
            QueueName = "legacy-" + Guid.NewGuid().ToString("N"),
            LeaseDuration = lease ?? TimeSpan.FromMinutes(1),
            PollInterval = TimeSpan.FromMilliseconds(50),
            InitialRetryDelay = TimeSpan.FromMilliseconds(200),
            MaxRetryDelay = TimeSpan.FromMilliseconds(200),
        };
        return (
            new RedisIngestQueue(server.Redis, Options.Create(options), TimeProvider.System, NullLogger<RedisIngestQueue>.Instance),
            new RedisJobStatusStore(server.Redis, Options.Create(options), TimeProvider.System, NullLogger<RedisJobStatusStore>.Instance),
            options);
    }

    private LegacyQueueKeyMigration Migration(IngestQueueOptions options) =>
        new(server.Redis, Options.Create(options), TimeProvider.System, NullLogger<LegacyQueueKeyMigration>.Instance);

    /// <summary>Renames every key of the queue to its former name (queue:name:..., job:id...); returns how many.</summary>
    private async Task<int> RenameToFormerLayoutAsync(string queueName)
    {
        var database = server.Redis.GetDatabase();
        var tag = RedisKeys.HashTag(queueName);
        var renamed = 0;
        foreach (var (prefix, former) in new[] { ($"queue:{tag}:", $"queue:{queueName}:"), ($"job:{tag}:", "job:") })
        {
            var keys = new List<string>();
            await foreach (var key in server.Redis.GetServers()[0].KeysAsync(pattern: prefix.Replace("{", "\\{", StringComparison.Ordinal).Replace("}", "\\}", StringComparison.Ordinal) + "*"))
            {
                keys.Add(key!);
            }

            foreach (var key in keys)
            {
                Assert.True(await database.KeyRenameAsync(key, former + key[prefix.Length..], When.NotExists));
                renamed++;
            }
        }

        return renamed;
    }

    private static async Task<(long Ready, long Processing, long Delayed, long Dead, long Bytes)> DepthAsync(RedisIngestQueue queue)
    {
        var depth = await queue.GetDepthAsync(TestContext.Current.CancellationToken);
        return (depth.Ready, depth.Processing, depth.Delayed, depth.DeadLettered, depth.QueuedBytes);
    }

    private static async Task<LeasedJob> LeaseAsync(RedisIngestQueue queue) =>
        await queue.LeaseAsync("worker-1", TimeSpan.Zero, TestContext.Current.CancellationToken)
        ?? throw new Xunit.Sdk.XunitException("Expected a job to lease.");

    private static async Task<LeasedJob> LeaseFromAsync(RedisIngestQueue queue, string jobId)
    {
        var lease = await LeaseAsync(queue);
        Assert.Equal(jobId, lease.Job.JobId);
        return lease;
    }
}
