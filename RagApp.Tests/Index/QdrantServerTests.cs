using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using RagApp.Core.Documents;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Qdrant;
using RagApp.Rag.Index.Qdrant.Coordination;
using RagApp.Rag.Index.Search;

namespace RagApp.Tests.Index;

/// <summary>
/// The Qdrant store against a real Qdrant server, when one is configured: <c>QDRANT_ENDPOINT</c> (e.g.
/// <c>http://localhost:6334</c>, gRPC port) or <c>ConnectionStrings__qdrant</c> (<c>Endpoint=...;Key=...</c>).
/// Otherwise every test here reports itself skipped. Each test writes a collection of its own and drops it.
/// </summary>
public sealed class QdrantServerTests : IAsyncDisposable
{
    private const int Timeout = 120_000;
    private const int Dimensions = 16;

    private readonly string _collection = "ragapp_test_" + Guid.NewGuid().ToString("N")[..12];
    private readonly Random _random = new(7);
    private readonly List<QdrantClient> _clients = [];

    private static QdrantConnectionSettings? Server
    {
        get
        {
            var endpoint = Environment.GetEnvironmentVariable("QDRANT_ENDPOINT");
            var connectionString = Environment.GetEnvironmentVariable("ConnectionStrings__qdrant");
            return !string.IsNullOrWhiteSpace(endpoint) ? QdrantConnectionSettings.Parse($"Endpoint={endpoint}")
                : !string.IsNullOrWhiteSpace(connectionString) ? QdrantConnectionSettings.Parse(connectionString)
                : null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_clients.Count > 0)
        {
            foreach (var name in new[] { _collection, _collection + "_documents" })
            {
                if (await _clients[0].CollectionExistsAsync(name))
                {
                    await _clients[0].DeleteCollectionAsync(name);
                }
            }
        }

        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task Server_UpsertSearchAndDelete_RoundTrip_WithEveryFusion()
    {
        var store = Store(new InProcessQdrantWriteCoordinator());
        var cancellationToken = TestContext.Current.CancellationToken;
        var wing = Chunks("wing", ["The wing tip vortex lowers lift", "Fuel burns in the chamber"]);
        var heat = Chunks("heat", ["Heat flows from hot to cold", "Conduction through the wall"]);
        Assert.Equal(1, (await store.ReplaceDocumentAsync(Document("wing"), wing, cancellationToken)).Generation);
        Assert.Equal(2, (await store.ReplaceDocumentAsync(Document("heat"), heat, cancellationToken)).Generation);

        foreach (var fusion in Enum.GetValues<FusionMethod>())
        {
            // The first chunk's own vector and words: every fusion (named dense + sparse vectors) must rank it first.
            var hits = await store.SearchAsync(wing[0].Vector, "wing tip vortex", 3, null, new SearchOptions { Fusion = fusion }, cancellationToken);
            Assert.Equal(("wing", 0), (hits[0].Document.DocumentId, hits[0].Chunk.Ordinal));
        }

        var keyword = await store.SearchAsync(ReadOnlyMemory<float>.Empty, "conduction", 2, null, new SearchOptions { Mode = SearchMode.Keyword }, cancellationToken);
        Assert.Equal(("heat", 1), (keyword[0].Document.DocumentId, keyword[0].Chunk.Ordinal));

        Assert.Equal(new DocumentDeletion(true, 2, 3), await store.DeleteDocumentAsync("wing", 0, cancellationToken));
        var statistics = await store.GetStatsAsync(cancellationToken);
        Assert.Equal((1, 2, 3L), (statistics.DocumentCount, statistics.ChunkCount, statistics.Generation));
    }

    [Fact(Timeout = Timeout)]
    public async Task Server_TwoStoresReplacingOneDocumentAtOnce_LeaveTheNewestWriteWhole()
    {
        // The generation rule against the server's own filters (Range on "generation"); the counter is in process,
        // shared by both stores as Redis shares it between replicas.
        using var coordinator = new InProcessQdrantWriteCoordinator();
        var first = Store(coordinator);
        var second = Store(coordinator);
        var cancellationToken = TestContext.Current.CancellationToken;
        var writes = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var texts = Enumerable.Range(0, 1 + (i % 4)).Select(ordinal => $"write {i} chunk {ordinal}").ToArray();
            var result = await (i % 2 == 0 ? first : second).ReplaceDocumentAsync(Document("doc"), Chunks("doc", texts), cancellationToken);
            return (result.Generation, Texts: texts);
        }));

        var newest = writes.MaxBy(write => write.Generation);
        Assert.Equal(8, writes.Select(write => write.Generation).Distinct().Count());
        Assert.Equal(newest.Texts, (await first.GetChunksAsync("doc", false, cancellationToken))!.Select(chunk => chunk.Text));
        Assert.Equal(newest.Texts.Length, (await second.GetStatsAsync(cancellationToken)).ChunkCount);
    }

    private QdrantVectorStore Store(IQdrantWriteCoordinator coordinator)
    {
        Assert.SkipWhen(Server is null, "No Qdrant server: set QDRANT_ENDPOINT or ConnectionStrings__qdrant to run these tests.");
        var client = new QdrantClient(Server!.Endpoint, Server.ApiKey, TimeSpan.FromSeconds(30), NullLoggerFactory.Instance);
        _clients.Add(client);
        var options = new VectorStoreOptions { Provider = VectorStoreProvider.Qdrant };
        options.Qdrant.CollectionName = _collection;
        return new QdrantVectorStore(client, coordinator, Options.Create(options), NullLogger<QdrantVectorStore>.Instance);
    }

    private static IndexedDocument Document(string id) => new() { DocumentId = id, Title = "T " + id, EmbeddingModel = "test-model", EmbeddingDimensions = Dimensions };

    private IndexedChunk[] Chunks(string documentId, string[] texts) =>
        [.. texts.Select((text, ordinal) => new IndexedChunk
        {
            ChunkId = ChunkIds.Create(documentId, ordinal),
            Ordinal = ordinal,
            Text = text,
            Vector = SyntheticVectors.Unit(_random, Dimensions),
        })];
}
