using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
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
/// The Qdrant store against <see cref="FakeQdrantServer"/>: the requests it sends through the real Qdrant.Client
/// (collections, batching, sparse vectors, filters, fusion) and what those requests leave in the fake's collections.
/// Whether a real server accepts them is untested here, hence "Fake_" in every name.
/// </summary>
public sealed class QdrantVectorStoreFakeTests : IDisposable
{
    private const string Chunks = "ragapp_chunks";
    private const string Registry = "ragapp_chunks_documents";
    private static readonly string[] QueryTerms = ["heat", "flow", "wing"];

    private readonly FakeQdrantServer _server = new();
    private readonly QdrantClient _client;
    private readonly QdrantVectorStore _store;
    private readonly Random _random = new(3);
    private readonly InProcessQdrantWriteCoordinator _coordinator = new();

    public QdrantVectorStoreFakeTests()
    {
        _client = new QdrantClient(new QdrantGrpcClient(_server), TimeSpan.FromSeconds(5), NullLoggerFactory.Instance);
        _store = new QdrantVectorStore(
            _client, _coordinator, Options.Create(new VectorStoreOptions { Provider = VectorStoreProvider.Qdrant }), NullLogger<QdrantVectorStore>.Instance);
    }

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _store.Dispose();
        _client.Dispose();
        _coordinator.Dispose();
    }

    [Fact]
    public async Task Fake_FirstWrite_CreatesCollectionsWithDenseAndIdfSparseVectors_AndIndexesDocumentId()
    {
        await _store.ReplaceDocumentAsync(Document("doc", 32), ChunksOf("doc", 32, "heat flow"), CancellationToken);

        var created = _server.Requests<CreateCollection>("/qdrant.Collections/Create").ToDictionary(create => create.CollectionName);
        var dense = created[Chunks].VectorsConfig.ParamsMap.Map["dense"];
        Assert.Equal(32ul, dense.Size);
        Assert.Equal(Distance.Cosine, dense.Distance);
        Assert.Equal(Modifier.Idf, created[Chunks].SparseVectorsConfig.Map["sparse"].Modifier);
        Assert.True(created.ContainsKey(Registry));
        var indexes = _server.Requests<CreateFieldIndexCollection>("/qdrant.Points/CreateFieldIndex").ToList();
        Assert.Contains(indexes, index => index.CollectionName == Chunks && index.FieldName == "document_id" && index.FieldType == FieldType.Keyword);
        Assert.Contains(indexes, index => index.CollectionName == Chunks && index.FieldName == "generation" && index.FieldType == FieldType.Integer);

        await _store.ReplaceDocumentAsync(Document("doc", 32), ChunksOf("doc", 32, "heat flow"), CancellationToken);
        Assert.Equal(2, _server.Requests<CreateCollection>("/qdrant.Collections/Create").Count());
    }

    [Fact]
    public async Task Fake_Replace_UpsertsInBatchesWithWait_ThenDeletesOtherGenerations_ThenBumpsGeneration()
    {
        var texts = Enumerable.Range(0, 600).Select(i => $"Chunk {i} about the wing and the wing tip").ToArray();

        var generation = (await _store.ReplaceDocumentAsync(Document("big", 32), ChunksOf("big", 32, texts), CancellationToken)).Generation;

        Assert.Equal(1, generation);
        var upserts = _server.Requests<UpsertPoints>("/qdrant.Points/Upsert").Where(upsert => upsert.CollectionName == Chunks).ToList();
        Assert.Equal([256, 256, 88], upserts.Select(upsert => upsert.Points.Count));
        Assert.All(upserts, upsert => Assert.True(upsert.Wait));
        var point = upserts[0].Points[7];
        // Each write has points of its own (the id is the chunk id and the generation hashed); the chunk id is in the payload.
        Assert.Equal(QdrantPointIds.ForChunk(ChunkIds.Create("big", 7), 1).ToString(), point.Id.Uuid);
        Assert.Equal(ChunkIds.Create("big", 7), point.Payload["chunk_id"].StringValue);
        Assert.Equal(32, point.Vectors.Vectors_.Vectors["dense"].Dense.Data.Count);
        Assert.Equal("big", point.Payload["document_id"].StringValue);
        Assert.Equal(1, point.Payload["generation"].IntegerValue);

        // The sparse vector holds one dimension per distinct term, hashed as the tokenizer splits and stems them (a new
        // collection takes the configured stemming, English by default).
        var sparse = point.Vectors.Vectors_.Vectors["sparse"].Sparse;
        var terms = KeywordTokenizer.DistinctTerms(texts[7], KeywordStemming.English);
        Assert.Equal(terms.Select(SparseTermHasher.IndexOf).Order(), sparse.Indices.Order());
        var wingWeight = sparse.Values[sparse.Indices.IndexOf(SparseTermHasher.IndexOf("wing"))];
        var chunkWeight = sparse.Values[sparse.Indices.IndexOf(SparseTermHasher.IndexOf("chunk"))];
        Assert.True(wingWeight > chunkWeight, "a term twice in the chunk weighs more than a term once");

        var delete = Assert.Single(_server.Requests<DeletePoints>("/qdrant.Points/Delete"));
        Assert.Equal(Chunks, delete.CollectionName);
        Assert.True(delete.Wait);
        Assert.Equal(600, _server.Points(Chunks).Count);

        var statistics = await _store.GetStatsAsync(CancellationToken);
        Assert.Equal(1, statistics.Generation);
        Assert.Equal(1, statistics.DocumentCount);
        Assert.Equal(600, statistics.ChunkCount);
        Assert.Equal("fake-model", statistics.EmbeddingModel);
        Assert.Equal(32, statistics.EmbeddingDimensions);
        Assert.Equal(600, (await _store.GetDocumentAsync("big", CancellationToken))!.ChunkCount);

        // A shorter replace: the store's delete filter must leave exactly the new chunk, and only this document's.
        await _store.ReplaceDocumentAsync(Document("small", 32), ChunksOf("small", 32, "small one", "small two"), CancellationToken);
        Assert.Equal(3, (await _store.ReplaceDocumentAsync(Document("big", 32), ChunksOf("big", 32, "shorter"), CancellationToken)).Generation);
        var left = _server.Points(Chunks).Values.GroupBy(chunk => chunk.Payload["document_id"].StringValue).ToDictionary(group => group.Key, group => group.ToList());
        var onlyChunk = Assert.Single(left["big"]);
        Assert.Equal("shorter", onlyChunk.Payload["text"].StringValue);
        Assert.Equal(3, onlyChunk.Payload["generation"].IntegerValue);
        Assert.Equal(2, left["small"].Count);
        Assert.Equal(1, (await _store.GetDocumentAsync("big", CancellationToken))!.ChunkCount);
        Assert.Equal(3, (await _store.GetStatsAsync(CancellationToken)).ChunkCount);
    }

    [Fact]
    public async Task Fake_VectorsOfAnotherModel_AreRefusedBeforeAnythingIsWritten()
    {
        await _store.ReplaceDocumentAsync(Document("doc", 32), ChunksOf("doc", 32, "text"), CancellationToken);
        var callsBefore = _server.Calls.Count(call => call.Method == "/qdrant.Points/Upsert");

        await Assert.ThrowsAsync<EmbeddingModelMismatchException>(() =>
            _store.ReplaceDocumentAsync(Document("other", 16), ChunksOf("other", 16, "text"), CancellationToken));

        Assert.Equal(callsBefore, _server.Calls.Count(call => call.Method == "/qdrant.Points/Upsert"));
    }

    [Fact]
    public async Task Fake_Delete_RemovesTheDocumentsChunksByFilter_AndItsRegistryEntry_CountingWhatItRemoved()
    {
        await _store.ReplaceDocumentAsync(Document("doc", 32), ChunksOf("doc", 32, "a", "b"), CancellationToken);
        await _store.ReplaceDocumentAsync(Document("other", 32), ChunksOf("other", 32, "x", "y", "z"), CancellationToken);

        var deletion = await _store.DeleteDocumentAsync("doc", 0, CancellationToken);

        Assert.Equal(new DocumentDeletion(true, 2, 3), deletion);
        Assert.Null(await _store.GetDocumentAsync("doc", CancellationToken));
        Assert.Equal(["other"], _server.Points(Chunks).Values.Select(chunk => chunk.Payload["document_id"].StringValue).Distinct());
        Assert.Equal(3, _server.Points(Chunks).Count);
        var statistics = await _store.GetStatsAsync(CancellationToken);
        Assert.Equal((1, 3, 3L), (statistics.DocumentCount, statistics.ChunkCount, statistics.Generation));

        // Nothing left to delete: no change, no new generation.
        Assert.Equal(new DocumentDeletion(false, 0, 3), await _store.DeleteDocumentAsync("doc", 0, CancellationToken));
        Assert.Equal(3, await _store.GetGenerationAsync(CancellationToken));
    }

    [Fact]
    public async Task Fake_Versions_OlderWritesAreSuperseded_AndAVersionedDeleteLeavesATombstone()
    {
        await _store.ReplaceDocumentAsync(Document("doc", 32) with { Version = 2 }, ChunksOf("doc", 32, "new"), CancellationToken);

        var older = await _store.ReplaceDocumentAsync(Document("doc", 32) with { Version = 1 }, ChunksOf("doc", 32, "old", "older"), CancellationToken);
        Assert.Equal((true, 2L), (older.Superseded, older.CurrentVersion));
        Assert.Equal(["new"], _server.Points(Chunks).Values.Select(chunk => chunk.Payload["text"].StringValue));
        Assert.Equal(2, (await _store.GetDocumentAsync("doc", CancellationToken))!.Version);

        Assert.True((await _store.DeleteDocumentAsync("doc", 1, CancellationToken)).Superseded);
        var deletion = await _store.DeleteDocumentAsync("doc", 3, CancellationToken);
        Assert.Equal((true, false, 3L), (deletion.Deleted, deletion.Superseded, deletion.CurrentVersion));
        Assert.Empty(_server.Points(Chunks));

        // The tombstone is a registry point of its own kind: not a document, but it refuses the late upload.
        Assert.Equal(0, (await _store.GetStatsAsync(CancellationToken)).DocumentCount);
        Assert.True((await _store.ReplaceDocumentAsync(Document("doc", 32) with { Version = 2 }, ChunksOf("doc", 32, "late"), CancellationToken)).Superseded);
        Assert.Null(await _store.GetDocumentAsync("doc", CancellationToken));
        Assert.False((await _store.ReplaceDocumentAsync(Document("doc", 32) with { Version = 4 }, ChunksOf("doc", 32, "newest"), CancellationToken)).Superseded);
        Assert.Equal(4, (await _store.GetDocumentAsync("doc", CancellationToken))!.Version);
    }

    [Fact]
    public async Task Fake_HybridWeightedSum_QueriesBothVectorsInOneBatch_AndFusesTheirMinMaxScores()
    {
        await _store.ReplaceDocumentAsync(Document("doc", 32), ChunksOf("doc", 32, "a", "b", "c"), CancellationToken);
        _server.DenseHits.AddRange([Hit("doc", 0, 0.9f), Hit("doc", 1, 0.5f), Hit("doc", 2, 0.1f)]);
        _server.SparseHits.AddRange([Hit("doc", 2, 7f), Hit("doc", 1, 3f)]);
        var filter = new SearchFilter { DocumentIds = ["doc"], Metadata = new Dictionary<string, string> { ["team"] = "x", ["odd key"] = "y" } };

        var hits = await _store.SearchAsync(
            new float[32].Select((_, i) => i + 1f).ToArray(), "Heat flow of the wing", 2, filter, new SearchOptions { Fusion = FusionMethod.WeightedSum, DenseWeight = 0.7 }, CancellationToken);

        var batch = Assert.Single(_server.Requests<QueryBatchPoints>("/qdrant.Points/QueryBatch"));
        Assert.Equal(["dense", "sparse"], batch.QueryPoints.Select(query => query.Using));
        Assert.All(batch.QueryPoints, query => Assert.Equal(100ul, query.Limit));
        var sparseQuery = batch.QueryPoints[1].Query.Nearest.Sparse;
        Assert.Equal(QueryTerms.Select(SparseTermHasher.IndexOf).Order(), sparseQuery.Indices);
        Assert.All(sparseQuery.Values, value => Assert.Equal(1f, value));
        var conditions = batch.QueryPoints[0].Filter.Must.Select(condition => condition.Field.Key).ToList();
        Assert.Equal(["document_id", "metadata.team", "metadata.\"odd key\""], conditions);

        // Min-max per signal, then 0.7 dense + 0.3 keyword: dense 0.9/0.5/0.1 -> 1/0.5/0, keyword 7/3 -> 1/0, so
        // chunk 0 scores 0.7, chunk 1 0.35 and chunk 2 0.3.
        Assert.Equal([0, 1], hits.Select(hit => hit.Chunk.Ordinal));
        Assert.Equal(0.7, hits[0].Score, 6);
        Assert.Equal(0.35, hits[1].Score, 6);
        Assert.Equal((0.9, (double?)null), (Math.Round(hits[0].DenseScore!.Value, 6), hits[0].KeywordScore));
        Assert.Equal(3.0, hits[1].KeywordScore);
        // The document comes from the registry point the replace wrote, not from the hit.
        Assert.All(hits, hit => Assert.Equal(("doc", "T doc", 3), (hit.Document.DocumentId, hit.Document.Title, hit.Document.ChunkCount)));
    }

    [Fact(Timeout = 30_000)]
    public async Task Fake_HybridAdaptive_AsksForTheDenseVectors_AndScoresAKeywordOnlyHitByItsCosine()
    {
        await _store.ReplaceDocumentAsync(Document("doc", 32), ChunksOf("doc", 32, "a", "b", "c"), CancellationToken);
        _server.DenseHits.AddRange([Hit("doc", 0, 0.9f, Unit(0.9f)), Hit("doc", 1, 0.5f, Unit(0.5f))]);
        _server.SparseHits.AddRange([Hit("doc", 2, 7f, Unit(0.3f)), Hit("doc", 1, 3f, Unit(0.5f))]);
        var question = new float[32];
        question[0] = 2;

        var hits = await _store.SearchAsync(question, "Heat flow of the wing", 3, null, null, TestContext.Current.CancellationToken);

        var batch = Assert.Single(_server.Requests<QueryBatchPoints>("/qdrant.Points/QueryBatch"));
        Assert.All(batch.QueryPoints, query => Assert.Equal(["dense"], query.WithVectors.Include.Names));
        Assert.Equal(3, hits.Count);
        // Only BM25 found chunk 2: its cosine comes from the vector the server sent with it.
        var keywordOnly = hits.Single(hit => hit.Chunk.Ordinal == 2);
        Assert.Equal(0.3, keywordOnly.DenseScore!.Value, 5);
        Assert.Equal(7.0, keywordOnly.KeywordScore);
        Assert.Null(hits.Single(hit => hit.Chunk.Ordinal == 0).KeywordScore);
    }

    [Fact]
    public async Task Fake_HybridReciprocalRank_PrefetchesDenseAndSparse_FusesInTheServer_AndDropsHitsOfUnknownDocuments()
    {
        await _store.ReplaceDocumentAsync(Document("doc", 32), ChunksOf("doc", 32, "a", "b"), CancellationToken);
        _server.FusedHits.AddRange([Hit("doc", 1, 0.5f), Hit("ghost", 0, 0.4f), Hit("doc", 0, 0.33f)]);

        var hits = await _store.SearchAsync(
            Enumerable.Repeat(0.5f, 32).ToArray(), "wing", 2, null, new SearchOptions { Fusion = FusionMethod.ReciprocalRank }, CancellationToken);

        var query = Assert.Single(_server.Requests<QueryPoints>("/qdrant.Points/Query"));
        Assert.Equal(Fusion.Rrf, query.Query.Fusion);
        Assert.Equal(["dense", "sparse"], query.Prefetch.Select(prefetch => prefetch.Using));
        Assert.All(query.Prefetch, prefetch => Assert.Equal(100ul, prefetch.Limit));
        Assert.Equal(2ul, query.Limit);
        // "ghost" has no registry entry (its document is gone): its chunk is not shown without one.
        Assert.Equal([("doc", 1), ("doc", 0)], hits.Select(hit => (hit.Document.DocumentId, hit.Chunk.Ordinal)));
        Assert.All(hits, hit => Assert.Equal("T doc", hit.Document.Title));
    }

    [Fact(Timeout = 30_000)]
    public async Task Fake_Search_ShowsOnlyTheChunksOfTheWriteTheRegistryNames_NeverTwoVersionsMixed()
    {
        await _store.ReplaceDocumentAsync(Document("doc", 32), ChunksOf("doc", 32, "old a", "old b"), TestContext.Current.CancellationToken);
        await _store.ReplaceDocumentAsync(Document("doc", 32), ChunksOf("doc", 32, "new a"), TestContext.Current.CancellationToken);
        // As a search may find them while a replace is under way, or after an overtaken write died mid-way: chunks of
        // generation 1 and of a write 3 no registry entry names, next to the registry's generation 2.
        _server.FusedHits.AddRange([Hit("doc", 1, 0.9f, generation: 1), Hit("doc", 0, 0.8f, generation: 2), Hit("doc", 0, 0.7f, generation: 3)]);

        var hits = await _store.SearchAsync(
            Enumerable.Repeat(0.5f, 32).ToArray(), "wing", 5, null, new SearchOptions { Fusion = FusionMethod.ReciprocalRank }, TestContext.Current.CancellationToken);

        Assert.Equal([0.8], hits.Select(hit => Math.Round(hit.Score, 6)));
        Assert.Equal(["new a"], (await _store.GetChunksAsync("doc", false, TestContext.Current.CancellationToken))!.Select(chunk => chunk.Text));
    }

    [Theory]
    [InlineData("Endpoint=http://qdrant:6334;Key=secret", "http://qdrant:6334/", "secret")]
    [InlineData("Endpoint=https://q.example:6334", "https://q.example:6334/", null)]
    public void ConnectionString_IsParsed(string connectionString, string endpoint, string? key)
    {
        var settings = QdrantConnectionSettings.Parse(connectionString);

        Assert.Equal(endpoint, settings.Endpoint.ToString());
        Assert.Equal(key, settings.ApiKey);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Key=secret")]
    [InlineData("Endpoint=qdrant:6334")]
    public void ConnectionString_WithoutUsableEndpoint_IsRefused(string? connectionString) =>
        Assert.Throws<InvalidOperationException>(() => QdrantConnectionSettings.Parse(connectionString));

    private static IndexedDocument Document(string id, int dimensions) => new()
    {
        DocumentId = id,
        Title = "T " + id,
        EmbeddingModel = dimensions == 32 ? "fake-model" : "other-model",
        EmbeddingDimensions = dimensions,
        Metadata = new Dictionary<string, string> { ["team"] = "x" },
    };

    private IndexedChunk[] ChunksOf(string documentId, int dimensions, params string[] texts) =>
        [.. texts.Select((text, ordinal) => new IndexedChunk
        {
            ChunkId = ChunkIds.Create(documentId, ordinal),
            Ordinal = ordinal,
            Text = text,
            Vector = SyntheticVectors.Unit(_random, dimensions),
        })];

    /// <summary>A 32-dimensional unit vector whose cosine with the first axis is <paramref name="cosine"/>.</summary>
    private static float[] Unit(float cosine)
    {
        var vector = new float[32];
        vector[0] = cosine;
        vector[1] = MathF.Sqrt(1 - (cosine * cosine));
        return vector;
    }

    private static ScoredPoint Hit(string documentId, int ordinal, float score, float[] vector)
    {
        var hit = Hit(documentId, ordinal, score);
        hit.Vectors = new VectorsOutput { Vectors = new NamedVectorsOutput { Vectors = { ["dense"] = new VectorOutput { Dense = new DenseVector { Data = { vector } } } } } };
        return hit;
    }

    private static ScoredPoint Hit(string documentId, int ordinal, float score, long generation)
    {
        var hit = Hit(documentId, ordinal, score);
        hit.Payload["generation"] = generation;
        return hit;
    }

    private static ScoredPoint Hit(string documentId, int ordinal, float score) => new()
    {
        Id = Guid.Parse(ChunkIds.Create(documentId, ordinal)),
        Score = score,
        Payload =
        {
            ["document_id"] = documentId,
            ["chunk_id"] = ChunkIds.Create(documentId, ordinal),
            ["ordinal"] = ordinal,
            ["text"] = $"text {ordinal}",
            // Every document in these tests is written once, by the first write.
            ["generation"] = 1,
        },
    };
}
