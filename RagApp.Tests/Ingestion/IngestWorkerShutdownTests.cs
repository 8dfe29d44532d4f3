using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RagApp.Core.Embeddings;
using RagApp.Core.Queue;
using RagApp.Ingest.Worker.Ingestion;
using RagApp.Tests.Queue;
using StackExchange.Redis;

namespace RagApp.Tests.Ingestion;

/// <summary>
/// The worker's services, wired as RagApp.Ingest.Worker wires them, in a host of the test's own on the embedded
/// Garnet server: stopping must end the lease loop and the embedding lanes, not leave the host waiting for them.
/// </summary>
public sealed class IngestWorkerShutdownTests(GarnetQueueServerFixture server) : IClassFixture<GarnetQueueServerFixture>
{
    [Fact]
    public async Task IdleWorker_Stops_WithItsLeaseLoopAndLanesEnded()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = server.PatientConnectionString,
            // Short enough that the lease loop is inside a wait, between polls, when the host stops.
            ["Ingest:Worker:LeaseWait"] = "00:00:00.500",
            ["Ingest:Queue:PollInterval"] = "00:00:00.200",
        });
        builder.AddIngestServices();
        using var host = builder.Build();
        var worker = host.Services.GetServices<IHostedService>().OfType<IngestWorker>().Single();
        var batcher = host.Services.GetRequiredService<EmbeddingBatcher>();

        await host.StartAsync(cancellationToken);
        // The lease loop listens on the queue's wake channel from its first lease call on (on a busy machine that can
        // take a while): from then on it holds a slot while it waits for a job, which is what stopping must give back.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(60)); // a bound against hanging, not a speed goal
        await WaitForWakeListenerAsync(patience.Token);
        await host.StopAsync(patience.Token);

        Assert.NotNull(worker.ExecuteTask);
        Assert.True(worker.ExecuteTask.IsCompletedSuccessfully, $"the lease loop did not end: {worker.ExecuteTask.Status}");
        Assert.NotNull(batcher.ExecuteTask);
        Assert.True(batcher.ExecuteTask.IsCompletedSuccessfully, $"the embedding lanes did not end: {batcher.ExecuteTask.Status}");
    }

    private async Task WaitForWakeListenerAsync(CancellationToken cancellationToken)
    {
        var channel = new IngestQueueKeys(new IngestQueueOptions().QueueName).WakeChannel;
        while (true)
        {
            var reply = (RedisResult[])(await server.Redis.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", channel))!;
            if ((long)reply[1] > 0)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }
}
