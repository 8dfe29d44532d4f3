using Grpc.Core;
using RagApp.Core.Grpc.V1;

namespace RagApp.Tests.Index;

/// <summary>
/// UpsertDocuments and GetDocuments over real gRPC against the embedded store: several documents in one call and one
/// durable write, each answered on its own, and all of them there after a restart.
/// </summary>
public sealed class IndexBatchUpsertTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly Random _random = new(20261126);

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task UpsertDocuments_ReplacesEachDocument_RefusesOnlyTheBadOne_AndSurvivesRestart()
    {
        var first = TestDocument.Create("batch-1", _random, "alpha one", "alpha two");
        var second = TestDocument.Create("batch-2", _random, "beta one");
        var otherModel = TestDocument.Create("batch-3", _random, "gamma one") with { EmbeddingModel = "another-model" };
        var badChunks = TestDocument.Create("batch-4", _random, "epsilon one", "epsilon two").Upsert();
        badChunks.Header.ChunkCount = 3; // announces three, carries two
        var third = TestDocument.Create("batch-5", _random, "delta one", "delta two", "delta three");

        await using (var host = await IndexServiceHost.StartAsync(_directory.Path))
        {
            var response = await host.Client.UpsertDocumentsAsync(
                new UpsertDocumentsRequest { Documents = { first.Upsert(), second.Upsert(), otherModel.Upsert(), badChunks, third.Upsert() } },
                cancellationToken: CancellationToken);

            Assert.Equal(["batch-1", "batch-2", "batch-3", "batch-4", "batch-5"], response.Results.Select(result => result.DocumentId));
            Assert.Equal(
                [StatusCode.OK, StatusCode.OK, StatusCode.FailedPrecondition, StatusCode.InvalidArgument, StatusCode.OK],
                response.Results.Select(result => (StatusCode)result.StatusCode));
            Assert.Contains("another-model", response.Results[2].StatusDetail, StringComparison.Ordinal);
            Assert.Contains("chunk_count", response.Results[3].StatusDetail, StringComparison.Ordinal);
            Assert.Equal([2, 1, 0, 0, 3], response.Results.Select(result => result.ChunkCount));
            // One generation per replaced document, in request order.
            Assert.Equal([1L, 2L, 3L], response.Results.Where(result => result.StatusCode == 0).Select(result => result.Generation));

            // Replacing again within a batch leaves one copy of the new chunks.
            var shorter = TestDocument.Create("batch-1", _random, "alpha only");
            var again = await host.Client.UpsertDocumentsAsync(new UpsertDocumentsRequest { Documents = { shorter.Upsert() } }, cancellationToken: CancellationToken);
            Assert.Equal(4, again.Results.Single().Generation);
            Assert.Equal(["alpha only"], (await host.Client.ChunksAsync("batch-1")).Chunks.Select(chunk => chunk.Text));
        }

        await using (var restarted = await IndexServiceHost.StartAsync(_directory.Path))
        {
            var found = await restarted.Client.GetDocumentsAsync(
                new GetDocumentsRequest { DocumentIds = { "batch-5", "batch-3", "unknown", "batch-1", "batch-2", "batch-4" } },
                cancellationToken: CancellationToken);

            Assert.Equal(["batch-5", "batch-1", "batch-2"], found.Documents.Select(document => document.DocumentId));
            Assert.Equal([3, 1, 1], found.Documents.Select(document => document.ChunkCount));
            var stats = await restarted.Client.StatsAsync();
            Assert.Equal(4, stats.Generation);
            Assert.Equal(3, stats.DocumentCount);
            Assert.Equal(["delta one", "delta two", "delta three"], (await restarted.Client.ChunksAsync("batch-5")).Chunks.Select(chunk => chunk.Text));
        }
    }

    [Fact]
    public async Task UpsertDocuments_IntoAnEmptyIndex_TakesTheFirstDocumentsModel()
    {
        await using var host = await IndexServiceHost.StartAsync(_directory.Path);
        var response = await host.Client.UpsertDocumentsAsync(new UpsertDocumentsRequest
        {
            Documents =
            {
                (TestDocument.Create("m-1", _random, "one") with { EmbeddingModel = "model-a" }).Upsert(),
                (TestDocument.Create("m-2", _random, "two") with { EmbeddingModel = "model-b" }).Upsert(),
                (TestDocument.Create("m-3", _random, "three") with { EmbeddingModel = "model-a" }).Upsert(),
            },
        }, cancellationToken: CancellationToken);

        Assert.Equal([StatusCode.OK, StatusCode.FailedPrecondition, StatusCode.OK], response.Results.Select(result => (StatusCode)result.StatusCode));
        var stats = await host.Client.StatsAsync();
        Assert.Equal("model-a", stats.EmbeddingModel);
        Assert.Equal(2, stats.DocumentCount);
    }
}
