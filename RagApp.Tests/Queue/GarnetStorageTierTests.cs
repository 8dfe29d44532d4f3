using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using RagApp.Garnet;
using StackExchange.Redis;

namespace RagApp.Tests.Queue;

/// <summary>
/// Garnet with a log memory limit drops the oldest keys when memory fills unless its storage tier is on. This fills
/// a queue budget six times larger than Garnet's memory and checks that every queued byte comes back.
/// </summary>
public sealed class GarnetStorageTierTests : IAsyncLifetime
{
    private const long MemoryBytes = 32L * 1024 * 1024;
    private const long BudgetBytes = 6 * MemoryBytes;

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("ragapp-garnet-tier-").FullName;
    private readonly string _password = Guid.NewGuid().ToString("N");
    private readonly int _port = RagApp.AppHost.Infrastructure.FreeLocalPort.Next();
    private EmbeddedGarnetServer? _server;
    private ConnectionMultiplexer? _redis;

    public async ValueTask InitializeAsync()
    {
        _server = EmbeddedGarnetServer.Start(new GarnetHostOptions
        {
            Port = _port,
            Password = _password,
            DataDirectory = _dataDirectory,
            MemorySize = "32m",
        });
        _redis = await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", _port } },
            Password = _password,
            AsyncTimeout = 120_000,
            SyncTimeout = 120_000,
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        _server?.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task FillingABudgetSixTimesGarnetsMemory_LosesNoPayloadByte()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var options = new IngestQueueOptions { QueueName = "tier", MaxQueuedBytes = BudgetBytes };
        using var queue = new RedisIngestQueue(_redis!, Options.Create(options), TimeProvider.System, NullLogger<RedisIngestQueue>.Instance);
        // Two values at the 25 MB upload limit, then a mix of overflow (heap) values and small inline ones.
        int SizeOf(int index) => index switch
        {
            < 2 => 25 * 1024 * 1024,
            _ when index % 10 == 0 => 1024 * 1024 + index,
            _ => 4096 + index,
        };

        var enqueued = 0;
        var enqueueTime = Stopwatch.StartNew();
        while (true)
        {
            var job = TestJobs.Create(jobId: enqueued.ToString("D6", CultureInfo.InvariantCulture));
            try
            {
                await queue.EnqueueAsync(job, TestJobs.Payload(SizeOf(enqueued), seed: enqueued), cancellation);
            }
            catch (QueueFullException)
            {
                break;
            }

            enqueued++;
        }

        enqueueTime.Stop();
        var depth = await queue.GetDepthAsync(cancellation);
        Assert.Equal(enqueued, depth.Ready);
        Assert.InRange(depth.QueuedBytes, BudgetBytes - (1024 * 1024) - enqueued, BudgetBytes);
        Assert.Equal(Enumerable.Range(0, enqueued).Sum(index => (long)SizeOf(index)), depth.QueuedBytes);
        // The storage tier took what memory could not hold.
        var logBytes = new DirectoryInfo(Path.Combine(_dataDirectory, "log")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(file => file.Length);
        Assert.True(logBytes > 2 * MemoryBytes, $"The storage tier holds only {logBytes} bytes.");

        var leaseTime = Stopwatch.StartNew();
        for (var index = 0; index < enqueued; index++)
        {
            var lease = await queue.LeaseAsync("verifier", TimeSpan.Zero, cancellation);
            Assert.NotNull(lease);
            Assert.Equal(index.ToString("D6", CultureInfo.InvariantCulture), lease.Job.JobId);
            Assert.True(TestJobs.Payload(SizeOf(index), seed: index).AsSpan().SequenceEqual(lease.Payload.Span), $"Payload {index} differs.");
            Assert.True(await queue.CompleteAsync(lease, new JobResult(JobState.Succeeded, 1), cancellation));
        }

        leaseTime.Stop();
        Assert.Equal(new QueueDepth(0, 0, 0, 0, 0), await queue.GetDepthAsync(cancellation));
        TestContext.Current.SendDiagnosticMessage(
            $"Garnet {MemoryBytes >> 20} MiB memory: enqueued {enqueued} jobs ({depth.QueuedBytes >> 20} MiB) in {enqueueTime.Elapsed.TotalSeconds:F1} s; " +
            $"leased, verified and completed them in {leaseTime.Elapsed.TotalSeconds:F1} s; storage tier {logBytes >> 20} MiB.");
    }
}
