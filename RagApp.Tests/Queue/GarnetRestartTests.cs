using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using RagApp.Garnet;
using StackExchange.Redis;

namespace RagApp.Tests.Queue;

/// <summary>In local mode the queue lives in the embedded Garnet server: a restart must not lose queued work.</summary>
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
        var clock = new ManualClock();
        var options = new IngestQueueOptions { QueueName = "restart", InitialRetryDelay = TimeSpan.FromSeconds(10) };
        var jobs = Enumerable.Range(0, 4).Select(index => TestJobs.Create(clock, $"job-{index}")).ToList();
        byte[] PayloadOf(int index) => TestJobs.Payload(index == 3 ? 2 * 1024 * 1024 : 1000 + index, seed: index);

        await using (var before = await StartAsync())
        {
            using var queue = CreateQueue(before.Redis, options, clock);
            for (var index = 0; index < jobs.Count; index++)
            {
                await queue.EnqueueAsync(jobs[index], PayloadOf(index), cancellation);
            }

            Assert.True(await queue.FailAsync((await queue.LeaseAsync("w", TimeSpan.Zero, cancellation))!, "retry me", permanent: false, cancellation));
            Assert.NotNull(await queue.LeaseAsync("w", TimeSpan.Zero, cancellation));
        }

        await using var after = await StartAsync();
        using var restarted = CreateQueue(after.Redis, options, clock);
        var expectedBytes = Enumerable.Range(0, jobs.Count).Sum(index => (long)PayloadOf(index).Length);
        Assert.Equal(new QueueDepth(2, 1, 1, 0, expectedBytes), await restarted.GetDepthAsync(cancellation));

        // The leased job comes back when its lease runs out, the delayed one when its retry is due.
        clock.Advance(options.LeaseDuration + TimeSpan.FromSeconds(1));
        var leased = new List<LeasedJob>();
        while (await restarted.LeaseAsync("w", TimeSpan.Zero, cancellation) is { } lease)
        {
            leased.Add(lease);
        }

        Assert.Equal(["job-1", "job-2", "job-3", "job-0"], leased.Select(lease => lease.Job.JobId));
        Assert.All(leased, lease => Assert.Equal(PayloadOf(int.Parse(lease.Job.JobId[4..], System.Globalization.CultureInfo.InvariantCulture)), lease.Payload.ToArray()));
        Assert.Equal([2, 1, 1, 2], leased.Select(lease => lease.Attempt));
    }

    private static RedisIngestQueue CreateQueue(IConnectionMultiplexer redis, IngestQueueOptions options, TimeProvider clock) =>
        new(redis, Options.Create(options), clock, NullLogger<RedisIngestQueue>.Instance);

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
