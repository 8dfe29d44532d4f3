using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using RagApp.Tests.Queue;
using StackExchange.Redis;

namespace RagApp.Tests.Durability;

/// <summary>
/// An upload the gateway answered 202 was acknowledged by the queue's enqueue script. Kill -9 the local Redis server
/// (configured as the AppHost configures it) the moment the last of many concurrent enqueues is acknowledged, start it
/// again on the same data: every acknowledged job is still queued, with its payload.
/// </summary>
public sealed class AcknowledgedEnqueueCrashTests
{
    private const int Acknowledged = 300;
    private const int Producers = 32;

    [Fact]
    public async Task Garnet_KilledRightAfterTheLastAcknowledgement_KeepsEveryAcknowledgedJob()
    {
        await using var server = CrashableRedisServer.Garnet();
        await AssertNoAcknowledgedJobLostAsync(server);
    }

    [Fact]
    public async Task RedisServer_KilledRightAfterTheLastAcknowledgement_KeepsEveryAcknowledgedJob()
    {
        Assert.SkipWhen(CrashableRedisServer.RedisServerSkipReason is not null, CrashableRedisServer.RedisServerSkipReason ?? "");
        await using var server = CrashableRedisServer.RedisServer();
        await AssertNoAcknowledgedJobLostAsync(server);
    }

    private static async Task AssertNoAcknowledgedJobLostAsync(CrashableRedisServer server)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var options = new IngestQueueOptions { QueueName = "crash" };
        var acknowledged = new ConcurrentDictionary<string, int>();
        var seed = 0;
        var killed = 0;

        await using (var redis = await server.StartAsync(cancellation))
        {
            using var queue = CreateQueue(redis, options);
            using var stop = new CancellationTokenSource();
            var producers = Enumerable.Range(0, Producers).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var index = Interlocked.Increment(ref seed);
                    var job = TestJobs.Create($"job-{index}");
                    try
                    {
                        await queue.EnqueueAsync(job, TestJobs.Payload(2048, index), CancellationToken.None);
                    }
                    catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
                    {
                        return; // The server is gone: this one was never acknowledged.
                    }

                    acknowledged[job.JobId] = index;
                    if (acknowledged.Count >= Acknowledged && Interlocked.Exchange(ref killed, 1) == 0)
                    {
                        // Kill in the same instant the acknowledgement arrived, with the other producers' writes in flight.
                        stop.Cancel();
                        server.Kill();
                    }
                }
            }, cancellation)).ToArray();
            await Task.WhenAll(producers).WaitAsync(TimeSpan.FromMinutes(2), cancellation);
        }

        await using var restarted = await server.StartAsync(cancellation);
        using var recovered = CreateQueue(restarted, options);
        var queued = new Dictionary<string, byte[]>();
        while (await recovered.LeaseAsync("checker", TimeSpan.Zero, cancellation) is { } lease)
        {
            queued[lease.Job.JobId] = lease.Payload.ToArray();
        }

        var lost = acknowledged.Keys.Where(jobId => !queued.ContainsKey(jobId)).Order().ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged jobs were lost: {string.Join(", ", lost.Take(10))}");
        Assert.All(acknowledged, pair => Assert.Equal(TestJobs.Payload(2048, pair.Value), queued[pair.Key]));
    }

    private static RedisIngestQueue CreateQueue(IConnectionMultiplexer redis, IngestQueueOptions options) =>
        new(redis, Options.Create(options), TimeProvider.System, NullLogger<RedisIngestQueue>.Instance);
}
