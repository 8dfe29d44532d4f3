using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using RagApp.Garnet;
using RagApp.Tests.Support;
using StackExchange.Redis;

namespace RagApp.Tests.Queue;

/// <summary>In local mode the queue lives in the embedded Garnet server: a restart must not lose queued work.</summary>
[Collection(GarnetRestartCollection.Name)]
public sealed class GarnetRestartTests : IDisposable
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("ragapp-garnet-restart-").FullName;
    private readonly string _password = Guid.NewGuid().ToString("N");
    private readonly int _port = RagApp.AppHost.Infrastructure.FreeLocalPort.Next();

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    [Fact]
    public async Task Restart_KeepsReadyDelayedAndLeasedJobs_WithTheirPayloadsAndByteCount()
    {
        var cancellation = TestContext.Current.CancellationToken;
        // Long enough to outlast the restart, short enough for the test to see both come back.
        IngestQueueOptions QueueOptions(TimeSpan lease) => new()
        {
            QueueName = "restart",
            LeaseDuration = lease,
            InitialRetryDelay = TimeSpan.FromSeconds(3),
            MaxRetryDelay = TimeSpan.FromSeconds(3),
            PollInterval = TimeSpan.FromMilliseconds(100),
        };
        var options = QueueOptions(TimeSpan.FromSeconds(3));
        var jobs = Enumerable.Range(0, 4).Select(index => TestJobs.Create($"job-{index}")).ToList();
        byte[] PayloadOf(int index) => TestJobs.Payload(index == 3 ? 2 * 1024 * 1024 : 1000 + index, seed: index);

        await using (var before = await StartAsync())
        {
            using var queue = CreateQueue(before.Redis, options);
            for (var index = 0; index < jobs.Count; index++)
            {
                await queue.EnqueueAsync(jobs[index], PayloadOf(index), cancellation);
            }

            Assert.True(await queue.FailAsync((await queue.LeaseAsync("w", TimeSpan.Zero, cancellation))!, "retry me", FailureKind.Transient, cancellation));
            Assert.NotNull(await queue.LeaseAsync("w", TimeSpan.Zero, cancellation));
        }

        await using var after = await StartAsync();
        // Leases taken after the restart outlast the test: a ready job leased at once must not run out and come back
        // before the leased and the delayed jobs of before the restart are due (on a slow run both came in one poll,
        // five leases, and the count of four was never seen).
        using var restarted = CreateQueue(after.Redis, QueueOptions(TimeSpan.FromMinutes(5)));
        var expectedBytes = Enumerable.Range(0, jobs.Count).Sum(index => (long)PayloadOf(index).Length);
        Assert.Equal(new QueueDepth(2, 1, 1, 0, expectedBytes), await restarted.GetDepthAsync(cancellation));

        // The two ready jobs come at once; the leased job when its lease runs out, the delayed one when its retry is due
        // (both within seconds, by the restarted server's clock).
        var leased = new List<LeasedJob>();
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    while (await restarted.LeaseAsync("w", TimeSpan.Zero, cancellation) is { } lease)
                    {
                        leased.Add(lease);
                    }

                    return leased.DistinctBy(lease => lease.Job.JobId).Count() == jobs.Count;
                },
                "every job to come back after the restart", TimeSpan.FromSeconds(60), cancellation, TimeSpan.FromMilliseconds(100));
        }
        catch (TimeoutException exception)
        {
            // What came back and what the queue holds, so that a failure says which job stayed away.
            var time = await after.Redis.GetDatabase().ExecuteAsync("TIME");
            throw new TimeoutException(
                $"{exception.Message} Leased: [{string.Join(", ", leased.Select(lease => lease.Job.JobId))}]; depth now: "
                + $"{await restarted.GetDepthAsync(cancellation)}; server TIME {string.Join(".", (RedisResult[])time!)}, test clock {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} ms", exception);
        }

        // Each came back once: none of the leases taken after the restart ran out.
        Assert.Equal(["job-0", "job-1", "job-2", "job-3"], leased.Select(lease => lease.Job.JobId).Order());
        Assert.All(leased, lease => Assert.Equal(PayloadOf(int.Parse(lease.Job.JobId[4..], System.Globalization.CultureInfo.InvariantCulture)), lease.Payload.ToArray()));
        Assert.All(leased, lease => Assert.Equal(lease.Job.JobId is "job-0" or "job-1" ? 2 : 1, lease.Attempt));
    }

    private static RedisIngestQueue CreateQueue(IConnectionMultiplexer redis, IngestQueueOptions options) =>
        new(redis, Options.Create(options), TimeProvider.System, NullLogger<RedisIngestQueue>.Instance);

    private async Task<RunningGarnet> StartAsync()
    {
        var server = EmbeddedGarnetServer.Start(new GarnetHostOptions { Port = _port, Password = _password, DataDirectory = _dataDirectory });
        var redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", _port } },
            Password = _password,
            AsyncTimeout = 60_000,
        });
        return new RunningGarnet(server, redis);
    }

    private sealed record RunningGarnet(EmbeddedGarnetServer Server, ConnectionMultiplexer Redis) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Redis.DisposeAsync();
            Server.Dispose();
        }
    }
}
