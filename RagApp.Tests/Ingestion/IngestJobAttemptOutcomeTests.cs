using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagApp.Core.Grpc.V1;
using RagApp.Core.Queue;
using RagApp.Ingest.Worker.Ingestion;
using RagApp.Tests.Index;
using RagApp.Tests.Queue;

namespace RagApp.Tests.Ingestion;

/// <summary>
/// The job processor as the worker wires it (real chunker, ONNX model, embedding cache on the embedded Garnet server)
/// against RagApp.Rag's index service over real gRPC. A job delivered again after its first attempt wrote the index
/// but could not report back (a crash, a lost reply) succeeded; <see cref="JobState.Unchanged"/> is only for a later
/// submission of content the index already had.
/// </summary>
public sealed class IngestJobAttemptOutcomeTests(GarnetQueueServerFixture server) : IClassFixture<GarnetQueueServerFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecondAttempt_FindingItsOwnFirstWrite_Succeeds_AndALaterResubmission_IsUnchanged()
    {
        using var directory = new TestDirectory();
        await using var index = await IndexServiceHost.StartAsync(directory.Path);
        using var host = BuildProcessorHost(index.Client);
        await host.StartAsync(Cancellation);
        var processor = host.Services.GetRequiredService<IngestJobProcessor>();
        var payload = "Ferns reproduce with spores, not seeds. Bracken spreads by underground rhizomes."u8.ToArray();
        var job = TestJobs.Create() with { DocumentVersion = 1 };

        var firstAttempt = new LeasedJob(job, payload, Attempt: 1, LeaseToken: "first", LeaseExpiresAt: DateTimeOffset.MaxValue);
        var first = await processor.ProcessAsync(firstAttempt, Cancellation);
        Assert.Equal(JobState.Succeeded, first.Outcome);

        // The first attempt's outcome never reached the queue: the same job, same version, is delivered again.
        var second = await processor.ProcessAsync(firstAttempt with { Attempt = 2, LeaseToken = "second" }, Cancellation);
        Assert.Equal(JobState.Succeeded, second.Outcome);
        Assert.Equal(first.ChunkCount, second.ChunkCount);
        Assert.Equal(0, second.EmbeddedChunks);

        // A new submission of the same content, which the index holds from the earlier one.
        var resubmission = new LeasedJob(
            job with { JobId = Guid.NewGuid().ToString("N"), DocumentVersion = 2 }, payload, Attempt: 1, LeaseToken: "third", DateTimeOffset.MaxValue);
        var third = await processor.ProcessAsync(resubmission, Cancellation);
        Assert.Equal(JobState.Unchanged, third.Outcome);

        var stored = await index.Client.GetDocumentAsync(new GetDocumentRequest { DocumentId = job.DocumentId }, cancellationToken: Cancellation);
        Assert.Equal(2, stored.Version);
    }

    private IHost BuildProcessorHost(IndexService.IndexServiceClient indexClient)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = server.PatientConnectionString,
            ["Ingest:Queue:QueueName"] = "attempts-" + Guid.NewGuid().ToString("N"),
        });
        builder.Logging.ClearProviders();
        builder.AddIngestServices();
        // The index client on the test's own RagApp.Rag host instead of the service-discovery address.
        builder.Services.AddSingleton(indexClient);
        return builder.Build();
    }
}
