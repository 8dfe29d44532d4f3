using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using RagApp.Core.Documents;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Keywords;
using RagApp.Rag.Index.Qdrant;
using RagApp.Rag.Index.Qdrant.Coordination;
using RagApp.Rag.Index.Search;

namespace RagApp.Tests.Index;

/// <summary>
/// The Qdrant store's keyword terms against <see cref="FakeQdrantServer"/> (no server runs here, hence "Fake_"): the
/// stemming a collection records at its first write and keeps for its sparse vectors and questions, a collection
/// written before the stemming was recorded keeping words as written, and the proximity signal in the client-side
/// adaptive fusion.
/// </summary>
public sealed class QdrantKeywordTermsFakeTests : IDisposable
{
    private const string Chunks = "ragapp_chunks";
    private const string Registry = "ragapp_chunks_documents";
    private const string HeatingTheWing = "Heating the wing keeps ice off it.";

    private readonly FakeQdrantServer _server = new() { MatchSparseQueries = true };
    private readonly QdrantClient _client;
    private readonly InProcessQdrantWriteCoordinator _coordinator = new();
    private readonly FakeLogger<QdrantVectorStore> _logger = new();
    private readonly List<QdrantVectorStore> _stores = [];
    private readonly Random _random = new(11);

    public QdrantKeywordTermsFakeTests() =>
        _client = new QdrantClient(new QdrantGrpcClient(_server), TimeSpan.FromSeconds(5), NullLoggerFactory.Instance);

    private static SearchOptions KeywordOnly { get; } = new() { Mode = SearchMode.Keyword };

    public void Dispose()
    {
        _stores.ForEach(store => store.Dispose());
        _client.Dispose();
        _coordinator.Dispose();
    }

    [Fact(Timeout = 30_000)]
    public async Task Fake_ANewCollection_RecordsEnglishStems_AndAKeywordSearchForHeatedWings_FindsHeatingTheWing()
    {
        var store = Store(KeywordStemming.English);

        await store.ReplaceDocumentAsync(Document("doc"), ChunksOf("doc", HeatingTheWing, "The tail carries no heater."), TestContext.Current.CancellationToken);
        var hits = await store.SearchAsync(ReadOnlyMemory<float>.Empty, "heated wings", 5, null, KeywordOnly, TestContext.Current.CancellationToken);

        Assert.Equal("English", MetadataPoint().Payload["keyword_stemming"].StringValue);
        // Both words meet the chunk's stems ("heat", "wing"), not just the one written alike.
        var written = _server.Requests<UpsertPoints>("/qdrant.Points/Upsert").First(upsert => upsert.CollectionName == Chunks).Points[0];
        var stems = KeywordTokenizer.DistinctTerms(HeatingTheWing, KeywordStemming.English);
        Assert.Equal(["heat", "wing", "keep", "ice", "off"], stems);
        Assert.Equal(
            stems.Select(SparseTermHasher.IndexOf).Order(),
            written.Vectors.Vectors_.Vectors["sparse"].Sparse.Indices.Order());
        Assert.Equal([HeatingTheWing], hits.Select(hit => hit.Chunk.Text));
        Assert.DoesNotContain(_logger.Collector.GetSnapshot(), record => record.Level >= LogLevel.Warning);
    }

    [Fact(Timeout = 30_000)]
    public async Task Fake_ACollectionWrittenBeforeTheStemmingWasRecorded_KeepsWordsAsWritten_AndWarnsOnceThatTheConfiguredEnglishIsNotUsed()
    {
        // As the earlier version left a collection: chunks of words as written, a metadata point without the stemming.
        await Store(KeywordStemming.None).ReplaceDocumentAsync(Document("old"), ChunksOf("old", HeatingTheWing), TestContext.Current.CancellationToken);
        var metadata = MetadataPoint();
        Assert.True(metadata.Payload.Remove("keyword_stemming"));
        await _client.UpsertAsync(Registry, [metadata], wait: true, cancellationToken: TestContext.Current.CancellationToken);
        _logger.Collector.Clear();

        var store = Store(KeywordStemming.English);
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        await store.ReplaceDocumentAsync(Document("new"), ChunksOf("new", "Heated wings shed ice."), TestContext.Current.CancellationToken);

        // The new chunk's sparse vector holds its words as written, as the old chunks do ...
        var written = _server.Requests<UpsertPoints>("/qdrant.Points/Upsert").Last(upsert => upsert.CollectionName == Chunks).Points.Single();
        Assert.Equal(
            KeywordTokenizer.DistinctTerms("Heated wings shed ice.", KeywordStemming.None).Select(SparseTermHasher.IndexOf).Order(),
            written.Vectors.Vectors_.Vectors["sparse"].Sparse.Indices.Order());
        Assert.Equal("None", MetadataPoint().Payload["keyword_stemming"].StringValue);

        // ... and so are the questions' terms: each written form finds its chunk, and only that form ("heat" would
        // find neither chunk; "wing" would find the old one).
        Assert.Equal([HeatingTheWing], await TextsFoundAsync(store, "heating"));
        Assert.Equal(["Heated wings shed ice."], await TextsFoundAsync(store, "wings"));

        var warning = Assert.Single(_logger.Collector.GetSnapshot(), record => record.Level >= LogLevel.Warning);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("keyword stemming None", warning.Message, StringComparison.Ordinal);
        Assert.Contains("VectorStore:Keyword:Stemming English", warning.Message, StringComparison.Ordinal);
        Assert.Contains("re-index into a new collection", warning.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 30_000)]
    public async Task Fake_HybridAdaptive_Proximity_PutsTheCandidateKeepingTheQuestionsWordsTogether_First()
    {
        var store = Store(KeywordStemming.English);
        await store.ReplaceDocumentAsync(Document("doc"), ChunksOf("doc", "a", "b", "c", "d"), TestContext.Current.CancellationToken);
        // Chunks 1 and 2 are all but tied on both signals (chunk 1's cosine is ahead by 0.0001), chunks 0 and 3 spread
        // the pool; only chunk 2 keeps the question's words together.
        const string scattered = "Heat reached the plate. The wing stayed cold for a long while, and then the flow stopped.";
        const string together = "The heat flow over the wing.";
        _server.DenseHits.AddRange([Hit(0, 0.9f, 0.9f, "a"), Hit(1, 0.5001f, 0.5001f, scattered), Hit(2, 0.5f, 0.5f, together), Hit(3, 0.1f, 0.1f, "d")]);
        _server.SparseHits.AddRange([Hit(1, 3f, 0.5001f, scattered), Hit(2, 3f, 0.5f, together)]);
        var question = new float[32];
        question[0] = 1;
        // Without feedback, so that the two are tied but for their cosines and their words.
        var options = new SearchOptions { FeedbackDocuments = 0 };

        async Task<List<int>> OrderAsync(SearchOptions with) =>
            [.. (await store.SearchAsync(question, "heat flow over the wing", 4, null, with, TestContext.Current.CancellationToken)).Select(hit => hit.Chunk.Ordinal)];
        var without = await OrderAsync(options with { ProximityWeight = 0 });
        var with = await OrderAsync(options);

        Assert.Equal(2, _server.Requests<QueryBatchPoints>("/qdrant.Points/QueryBatch").Count());
        Assert.True(without.IndexOf(1) < without.IndexOf(2), $"without proximity: {string.Join(", ", without)}");
        Assert.True(with.IndexOf(2) < with.IndexOf(1), $"with proximity: {string.Join(", ", with)}");
    }

    private QdrantVectorStore Store(KeywordStemming stemming)
    {
        var options = new VectorStoreOptions { Provider = VectorStoreProvider.Qdrant };
        options.Keyword.Stemming = stemming;
        var store = new QdrantVectorStore(_client, _coordinator, Options.Create(options), _logger);
        _stores.Add(store);
        return store;
    }

    private PointStruct MetadataPoint() => _server.Points(Registry)[QdrantPointIds.IndexMetadata.ToString()].Clone();

    private static async Task<List<string>> TextsFoundAsync(QdrantVectorStore store, string question) =>
        [.. (await store.SearchAsync(ReadOnlyMemory<float>.Empty, question, 5, null, KeywordOnly, TestContext.Current.CancellationToken)).Select(hit => hit.Chunk.Text)];

    private static IndexedDocument Document(string id) => new()
    {
        DocumentId = id,
        Title = "T " + id,
        EmbeddingModel = "fake-model",
        EmbeddingDimensions = 32,
    };

    private IndexedChunk[] ChunksOf(string documentId, params string[] texts) =>
        [.. texts.Select((text, ordinal) => new IndexedChunk
        {
            ChunkId = ChunkIds.Create(documentId, ordinal),
            Ordinal = ordinal,
            Text = text,
            Vector = SyntheticVectors.Unit(_random, 32),
        })];

    /// <summary>A hit on chunk <paramref name="ordinal"/> of "doc" (its first write) whose vector has cosine <paramref name="cosine"/> with the first axis.</summary>
    private static ScoredPoint Hit(int ordinal, float score, float cosine, string text)
    {
        var vector = new float[32];
        vector[0] = cosine;
        vector[1] = MathF.Sqrt(1 - (cosine * cosine));
        return new ScoredPoint
        {
            Id = Guid.Parse(ChunkIds.Create("doc", ordinal)),
            Score = score,
            Payload =
            {
                ["document_id"] = "doc",
                ["chunk_id"] = ChunkIds.Create("doc", ordinal),
                ["ordinal"] = ordinal,
                ["text"] = text,
                ["generation"] = 1,
            },
            Vectors = new VectorsOutput { Vectors = new NamedVectorsOutput { Vectors = { ["dense"] = new VectorOutput { Dense = new DenseVector { Data = { vector } } } } } },
        };
    }
}
