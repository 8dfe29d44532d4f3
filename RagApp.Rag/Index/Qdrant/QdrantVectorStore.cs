using Microsoft.Extensions.Options;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using RagApp.Rag.Index.Keywords;
using RagApp.Rag.Index.Qdrant.Coordination;
using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Index.Qdrant;

/// <summary>
/// The index in a Qdrant server. Chunks are points of collection "{CollectionName}" with a named dense vector
/// ("dense", cosine) and a BM25 sparse vector ("sparse", IDF modifier); documents and the index metadata
/// (generation, embedding model, keyword stemming) are payload points of "{CollectionName}_documents". The chunk
/// collection is created when the embedding dimension is known: at start-up when the registry already records it, else
/// by the first write.
/// </summary>
/// <remarks>
/// Qdrant has no transactions, and several RagApp.Rag replicas may write one collection, so every write is ordered by
/// <see cref="IQdrantWriteCoordinator"/> (in Redis when there is one): it claims the next generation and becomes its
/// document's latest write; stores its chunks as points of their own, tagged with that generation; then, under the
/// document's lock and only while still the latest, points the registry entry at its generation; and finally deletes
/// the document's older chunks (or, overtaken by a newer write, its own). Searches show a document's chunks of the
/// generation its registry entry names only, so they never see two versions mixed. docs/architecture.md, "Qdrant
/// writes from several replicas", has the race reasoned through.
/// </remarks>
internal sealed partial class QdrantVectorStore : IVectorStore, IDisposable
{
    public const string StoreName = "qdrant";

    private readonly QdrantClient _client;
    private readonly QdrantStoreOptions _options;
    private readonly QdrantSparseEncoder _sparse;
    private readonly ILogger<QdrantVectorStore> _logger;
    private readonly IQdrantWriteCoordinator _coordinator;
    private readonly KeywordStemming _configuredStemming;
    private readonly SemaphoreSlim _initializationGate = new(1, 1);
    private volatile bool _initialized;
    private volatile bool _chunkCollectionReady;

    // The collection's recorded stemming, remembered for searches once a write has fixed it (set before the flag).
    private volatile KeywordStemming _recordedStemming;
    private volatile bool _recordedStemmingKnown;
    private int _stemmingWarned;

    public QdrantVectorStore(
        QdrantClient client, IQdrantWriteCoordinator coordinator, IOptions<VectorStoreOptions> options, ILogger<QdrantVectorStore> logger)
    {
        _client = client;
        _coordinator = coordinator;
        _options = options.Value.Qdrant;
        _sparse = new QdrantSparseEncoder(new Bm25(options.Value.Keyword.K1, options.Value.Keyword.B), _options.AverageChunkTerms);
        _configuredStemming = options.Value.Keyword.Stemming;
        _logger = logger;
    }

    public string ChunkCollection => _options.CollectionName;

    public string RegistryCollection => _options.CollectionName + "_documents";

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _initializationGate.WaitAsync(cancellationToken);
        try
        {
            if (_initialized)
            {
                return;
            }

            if (await EnsureCollectionAsync(RegistryCollection, new VectorParams { Size = 1, Distance = Distance.Dot }, null, cancellationToken))
            {
                await _client.CreatePayloadIndexAsync(RegistryCollection, QdrantFields.Kind, PayloadSchemaType.Keyword, cancellationToken: cancellationToken);
            }

            var metadata = await ReadIndexMetadataAsync(cancellationToken);
            if (metadata.IsFixed)
            {
                // Read here so that a configured stemming the collection cannot take is reported at start-up.
                StemmingOf(metadata);
                await CreateChunkCollectionAsync(metadata.EmbeddingDimensions, cancellationToken);
            }

            _initialized = true;
        }
        finally
        {
            _initializationGate.Release();
        }
    }

    /// <summary>One document after another: Qdrant has no write spanning collections to batch them into.</summary>
    public async Task<IReadOnlyList<DocumentReplacementResult>> ReplaceDocumentsAsync(
        IReadOnlyList<DocumentReplacement> replacements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(replacements);
        var results = new DocumentReplacementResult[replacements.Count];
        for (var i = 0; i < replacements.Count; i++)
        {
            try
            {
                results[i] = await WriteAsync(replacements[i], cancellationToken);
            }
            catch (Exception refusal) when (refusal is ArgumentException or EmbeddingModelMismatchException)
            {
                results[i] = DocumentReplacementResult.Refused(refusal);
            }
        }

        return results;
    }

    public Task<DocumentReplacementResult> ReplaceDocumentAsync(IndexedDocument document, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken) =>
        WriteAsync(new DocumentReplacement(document, chunks), cancellationToken);

    private async Task<DocumentReplacementResult> WriteAsync(DocumentReplacement replacement, CancellationToken cancellationToken)
    {
        var (document, chunks, keepChunks) = replacement;
        if (keepChunks)
        {
            ArgumentException.ThrowIfNullOrEmpty(document.DocumentId, nameof(replacement));
            if (chunks.Count > 0)
            {
                throw new ArgumentException("A keep-chunks write carries no chunks: it keeps the ones the index holds.", nameof(replacement));
            }
        }
        else
        {
            ChunkListValidator.Validate(document, chunks);
        }

        await InitializeAsync(cancellationToken);
        var metadata = await ReadIndexMetadataAsync(cancellationToken);
        var (current, held, currentChunks) = await ReadHeldAsync(document.DocumentId, cancellationToken);
        if (DocumentVersions.IsSuperseded(held, document.Version))
        {
            return new DocumentReplacementResult(await CurrentGenerationAsync(metadata, cancellationToken), null) { Superseded = true, CurrentVersion = held };
        }

        if (metadata.EmbeddingDimensions != 0
            && (metadata.EmbeddingModel != document.EmbeddingModel || metadata.EmbeddingDimensions != document.EmbeddingDimensions))
        {
            throw new EmbeddingModelMismatchException(metadata.EmbeddingModel, metadata.EmbeddingDimensions, document.EmbeddingModel, document.EmbeddingDimensions);
        }

        if (keepChunks && !(current is not null && current.ContentHash == document.ContentHash && current.ChunkCount == document.ChunkCount
            && current.EmbeddingModel == document.EmbeddingModel && current.EmbeddingDimensions == document.EmbeddingDimensions))
        {
            return new DocumentReplacementResult(await CurrentGenerationAsync(metadata, cancellationToken), null) { ChunksMissing = true, CurrentVersion = held };
        }

        await EnsureChunkCollectionAsync(document.EmbeddingDimensions, cancellationToken);
        var claim = await _coordinator.ClaimAsync(document.DocumentId, document.Version, held, metadata.Generation, cancellationToken);
        if (claim.Superseded)
        {
            // Another replica applied a newer version since the registry was read.
            return new DocumentReplacementResult(await CurrentGenerationAsync(metadata, cancellationToken), null) { Superseded = true, CurrentVersion = claim.HeldVersion };
        }

        var generation = claim.Generation;
        var stemming = StemmingOf(metadata);
        var stored = document with { ChunkCount = keepChunks ? current!.ChunkCount : chunks.Count };
        // A keep-chunks write points the registry at the chunks it keeps, which an older write stored.
        var chunkGeneration = keepChunks ? currentChunks : generation;
        try
        {
            if (!keepChunks)
            {
                foreach (var batch in chunks.Chunk(_options.UpsertBatchSize))
                {
                    var points = Array.ConvertAll(batch, chunk => QdrantPayload.ChunkPoint(stored, chunk, generation, _sparse, stemming));
                    await _client.UpsertAsync(ChunkCollection, points, wait: true, cancellationToken: cancellationToken);
                }
            }

            bool latest;
            await using (await _coordinator.LockDocumentAsync(document.DocumentId, cancellationToken))
            {
                // Checked under the lock, so that an older write cannot put its registry entry over a newer one's.
                latest = await _coordinator.LatestGenerationAsync(document.DocumentId, cancellationToken) == generation;
                if (latest)
                {
                    List<PointStruct> registry = [QdrantPayload.DocumentPoint(stored, chunkGeneration)];
                    if (claim.HeldVersion > 0)
                    {
                        registry.Add(QdrantPayload.VersionPoint(document.DocumentId, claim.HeldVersion));
                    }

                    await _client.UpsertAsync(RegistryCollection, registry, wait: true, cancellationToken: cancellationToken);
                }
            }

            if (!latest)
            {
                // Overtaken: a newer write of this document claimed a generation meanwhile; it stands, these chunks go.
                LogOvertaken(document.DocumentId, generation);
                if (!keepChunks)
                {
                    await _client.DeleteAsync(ChunkCollection, QdrantFilters.ChunksOf(document.DocumentId, generation), wait: true, cancellationToken: cancellationToken);
                }
            }
            else if (!keepChunks)
            {
                await _client.DeleteAsync(ChunkCollection, QdrantFilters.ChunksOlderThan(document.DocumentId, generation), wait: true, cancellationToken: cancellationToken);
            }
        }
        finally
        {
            // Even a half-done replace changed what searches see, so the generation moves on regardless.
            await RecordGenerationAsync(metadata, generation, document.EmbeddingModel, document.EmbeddingDimensions, stemming);
        }

        return new DocumentReplacementResult(generation, null) { CurrentVersion = claim.HeldVersion };
    }

    public async Task<DocumentDeletion> DeleteDocumentAsync(string documentId, long version, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        await InitializeAsync(cancellationToken);
        var metadata = await ReadIndexMetadataAsync(cancellationToken);
        var (document, held, _) = await ReadHeldAsync(documentId, cancellationToken);
        if (DocumentVersions.IsSuperseded(held, version))
        {
            return new DocumentDeletion(false, 0, await CurrentGenerationAsync(metadata, cancellationToken)) { Superseded = true, CurrentVersion = held };
        }

        // Chunks without a registry entry are left-overs of an interrupted replace: they go too.
        var chunks = _chunkCollectionReady
            ? (int)await _client.CountAsync(ChunkCollection, QdrantFilters.ChunksOf(documentId), exact: true, cancellationToken: cancellationToken)
            : 0;
        if (document is null && chunks == 0 && DocumentVersions.AfterWrite(held, version) == held)
        {
            return new DocumentDeletion(false, 0, await CurrentGenerationAsync(metadata, cancellationToken)) { CurrentVersion = held };
        }

        var claim = await _coordinator.ClaimAsync(documentId, version, held, metadata.Generation, cancellationToken);
        if (claim.Superseded)
        {
            return new DocumentDeletion(false, 0, await CurrentGenerationAsync(metadata, cancellationToken)) { Superseded = true, CurrentVersion = claim.HeldVersion };
        }

        var generation = claim.Generation;
        try
        {
            bool latest;
            await using (await _coordinator.LockDocumentAsync(documentId, cancellationToken))
            {
                latest = await _coordinator.LatestGenerationAsync(documentId, cancellationToken) == generation;
                if (latest)
                {
                    if (claim.HeldVersion > 0)
                    {
                        // The tombstone first: from here on an older replace is refused, whatever happens to the rest.
                        await _client.UpsertAsync(RegistryCollection, [QdrantPayload.VersionPoint(documentId, claim.HeldVersion)], wait: true, cancellationToken: cancellationToken);
                    }

                    await _client.DeleteAsync(RegistryCollection, QdrantPointIds.ForDocument(documentId), wait: true, cancellationToken: cancellationToken);
                }
            }

            // Overtaken by a newer replace, the delete leaves that one's chunks (and registry entry) alone.
            if (latest && chunks > 0)
            {
                await _client.DeleteAsync(ChunkCollection, QdrantFilters.ChunksOlderThan(documentId, generation), wait: true, cancellationToken: cancellationToken);
            }
        }
        finally
        {
            await RecordGenerationAsync(metadata, generation, metadata.EmbeddingModel, metadata.EmbeddingDimensions, metadata.Stemming);
        }

        return new DocumentDeletion(document is not null || chunks > 0, chunks, generation) { CurrentVersion = claim.HeldVersion };
    }

    /// <summary>The document as the registry holds it, and the highest version applied to it (its tombstone's included).</summary>
    private async Task<(IndexedDocument? Document, long HeldVersion, long ChunkGeneration)> ReadHeldAsync(string documentId, CancellationToken cancellationToken)
    {
        var points = await _client.RetrieveAsync(
            RegistryCollection, [QdrantPointIds.ForDocument(documentId), QdrantPointIds.ForVersion(documentId)],
            withPayload: true, withVectors: false, cancellationToken: cancellationToken);
        IndexedDocument? document = null;
        long held = 0;
        long chunkGeneration = 0;
        foreach (var point in points)
        {
            if (point.Payload.TryGetValue(QdrantFields.Kind, out var kind) && kind.StringValue == QdrantFields.KindDocument)
            {
                document = QdrantPayload.ReadDocument(point.Payload);
                held = Math.Max(held, document.Version);
                chunkGeneration = QdrantPayload.ReadChunkGeneration(point.Payload);
            }
            else
            {
                held = Math.Max(held, QdrantPayload.ReadVersion(point.Payload));
            }
        }

        return (document, held, chunkGeneration);
    }

    public async Task<IndexedDocument?> GetDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        var points = await _client.RetrieveAsync(
            RegistryCollection, [QdrantPointIds.ForDocument(documentId)], withPayload: true, withVectors: false, cancellationToken: cancellationToken);
        return points.Count == 0 ? null : QdrantPayload.ReadDocument(points[0].Payload);
    }

    /// <remarks>Ordered by registry point id (a hash of the document id): stable, though not alphabetical.</remarks>
    public async Task<DocumentPage> ListDocumentsAsync(int pageSize, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pageSize);
        await InitializeAsync(cancellationToken);
        PointId? offset = null;
        if (cursor is not null)
        {
            offset = Guid.TryParse(cursor, out var id) ? id : throw new ArgumentException("Not a cursor of this store.", nameof(cursor));
        }

        var page = await _client.ScrollAsync(
            RegistryCollection, QdrantFilters.Documents(), (uint)pageSize, offset, payloadSelector: true, cancellationToken: cancellationToken);
        var total = await _client.CountAsync(RegistryCollection, QdrantFilters.Documents(), exact: true, cancellationToken: cancellationToken);
        var next = page.NextPageOffset is { HasUuid: true } nextOffset ? nextOffset.Uuid : null;
        return new DocumentPage([.. page.Result.Select(point => QdrantPayload.ReadDocument(point.Payload))], next, (int)total);
    }

    public async Task<IReadOnlyList<IndexedChunk>?> GetChunksAsync(string documentId, bool includeVectors, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        var (document, _, chunkGeneration) = await ReadHeldAsync(documentId, cancellationToken);
        if (document is null)
        {
            return null;
        }

        var chunks = new List<IndexedChunk>();
        if (!_chunkCollectionReady)
        {
            return chunks;
        }

        WithVectorsSelector vectors = includeVectors ? new[] { QdrantFields.DenseVector } : false;
        PointId? offset = null;
        do
        {
            var page = await _client.ScrollAsync(
                ChunkCollection,
                // The chunks the registry entry stands for, not those of a write still under way.
                chunkGeneration > 0 ? QdrantFilters.ChunksOf(documentId, chunkGeneration) : QdrantFilters.ChunksOf(documentId),
                (uint)_options.UpsertBatchSize, offset,
                payloadSelector: true, vectorsSelector: vectors, cancellationToken: cancellationToken);
            chunks.AddRange(page.Result.Select(point => QdrantPayload.ReadChunk(point.Payload, point.Vectors)));
            offset = page.NextPageOffset is { PointIdOptionsCase: not PointId.PointIdOptionsOneofCase.None } next ? next : null;
        }
        while (offset is not null);

        chunks.Sort(static (a, b) => a.Ordinal.CompareTo(b.Ordinal));
        return chunks;
    }

    public async Task<IndexStatistics> GetStatsAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        var metadata = await ReadIndexMetadataAsync(cancellationToken);
        var documents = await _client.CountAsync(RegistryCollection, QdrantFilters.Documents(), exact: true, cancellationToken: cancellationToken);
        var chunks = _chunkCollectionReady ? await _client.CountAsync(ChunkCollection, exact: true, cancellationToken: cancellationToken) : 0;
        return new IndexStatistics((int)documents, (int)chunks, await CurrentGenerationAsync(metadata, cancellationToken), metadata.EmbeddingModel, metadata.EmbeddingDimensions, StoreName);
    }

    public async Task<long> GetGenerationAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await CurrentGenerationAsync(await ReadIndexMetadataAsync(cancellationToken), cancellationToken);
    }

    /// <summary>The coordinator's counter is the truth; the registry's record is a floor that outlives a lost counter.</summary>
    private async Task<long> CurrentGenerationAsync(QdrantIndexMetadata metadata, CancellationToken cancellationToken) =>
        Math.Max(metadata.Generation, await _coordinator.CurrentGenerationAsync(cancellationToken));

    public async Task<IReadOnlyList<ScoredChunk>> SearchAsync(
        ReadOnlyMemory<float> queryVector,
        string? queryText,
        int topK,
        SearchFilter? filter,
        SearchOptions? options,
        CancellationToken cancellationToken)
    {
        SearchOptions.ValidateTopK(topK);
        options ??= SearchOptions.Default;
        options.Validate();
        if (options.Mode == SearchMode.Dense && queryVector.IsEmpty)
        {
            throw new ArgumentException("A dense search needs a query vector.", nameof(queryVector));
        }

        await InitializeAsync(cancellationToken);
        if (!_chunkCollectionReady)
        {
            return [];
        }

        var dense = options.Mode != SearchMode.Keyword && !queryVector.IsEmpty ? queryVector.ToArray() : null;
        // The question's terms are made as the collection's sparse vectors were, whatever is configured now.
        var stemming = await CollectionStemmingAsync(cancellationToken);
        var terms = options.Mode != SearchMode.Dense ? KeywordTokenizer.DistinctTerms(queryText, stemming) : [];
        var sparse = terms.Count > 0 ? QdrantSparseEncoder.EncodeQuery(terms) : ((float[], uint[])?)null;
        var qdrantFilter = QdrantFilters.ForSearch(filter);
        var candidates = (ulong)Math.Max(topK, options.CandidateCount);

        List<(ScoredPoint Point, double Score, double? Dense, double? Keyword)> hits;
        if (dense is not null && sparse is not null && options.Mode == SearchMode.Hybrid)
        {
            hits = options.Fusion == FusionMethod.ReciprocalRank
                ? await QueryServerFusedAsync(dense, sparse.Value, qdrantFilter, candidates, topK, cancellationToken)
                : await QueryClientFusedAsync(dense, sparse.Value, qdrantFilter, candidates, topK, options, new TermProximity(terms, stemming, options.ProximityWindow), cancellationToken);
        }
        else if (dense is not null)
        {
            var points = await _client.QueryAsync(ChunkCollection, dense, usingVector: QdrantFields.DenseVector, filter: qdrantFilter,
                limit: (ulong)topK, payloadSelector: true, cancellationToken: cancellationToken);
            hits = [.. points.Select(point => (point, (double)point.Score, (double?)point.Score, (double?)null))];
        }
        else if (sparse is not null)
        {
            var points = await _client.QueryAsync(ChunkCollection, sparse.Value, usingVector: QdrantFields.SparseVector, filter: qdrantFilter,
                limit: (ulong)topK, payloadSelector: true, cancellationToken: cancellationToken);
            hits = [.. points.Select(point => (point, (double)point.Score, (double?)null, (double?)point.Score))];
        }
        else
        {
            return [];
        }

        return await AttachDocumentsAsync(hits, cancellationToken);
    }

    /// <summary>
    /// Adaptive fusion and the min-max weighted sum: Qdrant has neither, so both rankings come back in one batch
    /// request and fuse here with the code the embedded store uses. Adaptive fusion also needs each candidate's dense
    /// vector (its cosine when only BM25 found it, and the feedback), so those requests return it; the proximity signal
    /// reads each head candidate's text from the payload every point comes with.
    /// </summary>
    private async Task<List<(ScoredPoint, double, double?, double?)>> QueryClientFusedAsync(
        float[] dense, (float[], uint[]) sparse, Filter? filter, ulong candidates, int topK, SearchOptions options, TermProximity proximity,
        CancellationToken cancellationToken)
    {
        var withVectors = options.Fusion == FusionMethod.Adaptive;
        var results = await _client.QueryBatchAsync(ChunkCollection,
        [
            NewQuery(dense, QdrantFields.DenseVector, filter, candidates, withVectors),
            NewQuery(sparse, QdrantFields.SparseVector, filter, candidates, withVectors),
        ], cancellationToken: cancellationToken);
        var points = new Dictionary<string, ScoredPoint>(StringComparer.Ordinal);
        List<RankedCandidate<string>> Rank(BatchResult result) =>
        [
            .. result.Result.Select(point =>
            {
                points[point.Id.Uuid] = point;
                return new RankedCandidate<string>(point.Id.Uuid, point.Score);
            }),
        ];

        var denseRanking = Rank(results[0]);
        var keywordRanking = Rank(results[1]);
        Func<string, double>? proximityOf = proximity.HasPairs ? key => proximity.Score(QdrantPayload.ReadText(points[key].Payload)) : null;
        var fused = withVectors
            ? AdaptiveFusion.Fuse(denseRanking, keywordRanking, (int)candidates, dense, key => QdrantPayload.DenseVector(points[key].Vectors), options, topK, proximityOf)
            : HybridFusion.Fuse(denseRanking, keywordRanking, options, topK);
        return fused.ConvertAll(hit => (points[hit.Key], hit.Score, hit.DenseScore, hit.KeywordScore));
    }

    /// <summary>
    /// Reciprocal rank fusion in the server: prefetch both rankings, fuse with <see cref="Fusion.Rrf"/>. Qdrant
    /// applies its own k here (parametrised RRF needs server 1.16; the AppHost runs 1.15).
    /// </summary>
    private async Task<List<(ScoredPoint, double, double?, double?)>> QueryServerFusedAsync(
        float[] dense, (float[], uint[]) sparse, Filter? filter, ulong candidates, int topK, CancellationToken cancellationToken)
    {
        var points = await _client.QueryAsync(
            ChunkCollection,
            query: Fusion.Rrf,
            prefetch:
            [
                new PrefetchQuery { Query = dense, Using = QdrantFields.DenseVector, Filter = filter, Limit = candidates },
                new PrefetchQuery { Query = sparse, Using = QdrantFields.SparseVector, Filter = filter, Limit = candidates },
            ],
            filter: filter,
            limit: (ulong)topK,
            payloadSelector: true,
            cancellationToken: cancellationToken);
        return [.. points.Select(point => (point, (double)point.Score, (double?)null, (double?)null))];
    }

    private QueryPoints NewQuery(Query query, string vector, Filter? filter, ulong limit, bool withVectors = false)
    {
        var request = new QueryPoints
        {
            CollectionName = ChunkCollection,
            Query = query,
            Using = vector,
            Limit = limit,
            WithPayload = true,
        };
        if (withVectors)
        {
            request.WithVectors = new[] { QdrantFields.DenseVector };
        }

        if (filter is not null)
        {
            request.Filter = filter;
        }

        return request;
    }

    private async Task<IReadOnlyList<ScoredChunk>> AttachDocumentsAsync(
        List<(ScoredPoint Point, double Score, double? Dense, double? Keyword)> hits, CancellationToken cancellationToken)
    {
        if (hits.Count == 0)
        {
            return [];
        }

        var ids = hits.Select(hit => hit.Point.Payload[QdrantFields.DocumentId].StringValue).Distinct(StringComparer.Ordinal).ToList();
        var registry = await _client.RetrieveAsync(
            RegistryCollection, [.. ids.Select(id => (PointId)QdrantPointIds.ForDocument(id))], withPayload: true, withVectors: false,
            cancellationToken: cancellationToken);
        var documents = registry.ToDictionary(
            point => point.Payload[QdrantFields.DocumentId].StringValue,
            point => (Document: QdrantPayload.ReadDocument(point.Payload), ChunkGeneration: QdrantPayload.ReadChunkGeneration(point.Payload)),
            StringComparer.Ordinal);
        var results = new List<ScoredChunk>(hits.Count);
        foreach (var (point, score, dense, keyword) in hits)
        {
            // A chunk whose document vanished between the two requests is skipped rather than shown without one, and so
            // is a chunk of another write than the registry entry names (a replace under way, or one overtaken):
            // a search shows one version of a document, never two mixed.
            if (documents.TryGetValue(point.Payload[QdrantFields.DocumentId].StringValue, out var entry)
                && (entry.ChunkGeneration == 0 || ChunkGenerationOf(point) == entry.ChunkGeneration))
            {
                var document = entry.Document;
                results.Add(new ScoredChunk(document, QdrantPayload.ReadChunk(point.Payload, null), score, dense, keyword));
            }
        }

        return results;
    }

    private static long ChunkGenerationOf(ScoredPoint point) =>
        point.Payload.TryGetValue(QdrantFields.Generation, out var value) ? value.IntegerValue : 0;

    /// <summary>
    /// Records the generation (and the model and keyword stemming, fixed by the first write) in the registry's metadata
    /// point: a floor for the counter should Redis lose it. Replicas may record out of order; only a lost counter reads it.
    /// </summary>
    private Task<UpdateResult> RecordGenerationAsync(
        QdrantIndexMetadata read, long generation, string embeddingModel, int embeddingDimensions, KeywordStemming stemming) =>
        WriteIndexMetadataAsync(
            new QdrantIndexMetadata(Math.Max(read.Generation, generation), embeddingModel, embeddingDimensions, stemming), CancellationToken.None);

    /// <summary>
    /// The stemming the collection's sparse vectors are made with: the recorded one once a write has fixed it, since
    /// terms made otherwise hash to other dimensions and silently match nothing; before that the configured one, which
    /// the first write records. A configured stemming the collection cannot take is reported once.
    /// </summary>
    private KeywordStemming StemmingOf(QdrantIndexMetadata metadata)
    {
        if (!metadata.IsFixed)
        {
            return _configuredStemming;
        }

        if (!_recordedStemmingKnown)
        {
            _recordedStemming = metadata.Stemming;
            _recordedStemmingKnown = true;
        }

        if (metadata.Stemming != _configuredStemming && Interlocked.Exchange(ref _stemmingWarned, 1) == 0)
        {
            LogRecordedStemmingKept(ChunkCollection, metadata.Stemming, _configuredStemming);
        }

        return metadata.Stemming;
    }

    /// <summary>The collection's stemming for a search: remembered once known, else read from the metadata point.</summary>
    private async ValueTask<KeywordStemming> CollectionStemmingAsync(CancellationToken cancellationToken) =>
        _recordedStemmingKnown ? _recordedStemming : StemmingOf(await ReadIndexMetadataAsync(cancellationToken));

    private async Task<QdrantIndexMetadata> ReadIndexMetadataAsync(CancellationToken cancellationToken)
    {
        var points = await _client.RetrieveAsync(
            RegistryCollection, [QdrantPointIds.IndexMetadata], withPayload: true, withVectors: false, cancellationToken: cancellationToken);
        return points.Count == 0 ? QdrantIndexMetadata.Empty : QdrantPayload.ReadIndexMetadata(points[0].Payload);
    }

    private Task<UpdateResult> WriteIndexMetadataAsync(QdrantIndexMetadata metadata, CancellationToken cancellationToken) =>
        _client.UpsertAsync(RegistryCollection, [QdrantPayload.MetadataPoint(metadata)], wait: true, cancellationToken: cancellationToken);

    private async Task EnsureChunkCollectionAsync(int dimensions, CancellationToken cancellationToken)
    {
        if (_chunkCollectionReady)
        {
            return;
        }

        // One creation attempt per process at a time; another replica's is answered by EnsureCollectionAsync.
        await _initializationGate.WaitAsync(cancellationToken);
        try
        {
            if (!_chunkCollectionReady)
            {
                await CreateChunkCollectionAsync(dimensions, cancellationToken);
            }
        }
        finally
        {
            _initializationGate.Release();
        }
    }

    private async Task CreateChunkCollectionAsync(int dimensions, CancellationToken cancellationToken)
    {
        var dense = new VectorParamsMap { Map = { [QdrantFields.DenseVector] = new VectorParams { Size = (ulong)dimensions, Distance = Distance.Cosine } } };
        var sparse = (QdrantFields.SparseVector, new SparseVectorParams { Modifier = Modifier.Idf });
        if (await EnsureCollectionAsync(ChunkCollection, null, (dense, sparse), cancellationToken))
        {
            await _client.CreatePayloadIndexAsync(ChunkCollection, QdrantFields.DocumentId, PayloadSchemaType.Keyword, cancellationToken: cancellationToken);
            // Every replace deletes by a range on it (a document's chunks older than the write).
            await _client.CreatePayloadIndexAsync(ChunkCollection, QdrantFields.Generation, PayloadSchemaType.Integer, cancellationToken: cancellationToken);
        }
        else
        {
            var info = await _client.GetCollectionInfoAsync(ChunkCollection, cancellationToken);
            var size = info.Config?.Params?.VectorsConfig?.ParamsMap?.Map.TryGetValue(QdrantFields.DenseVector, out var existing) == true ? (int)existing.Size : 0;
            if (size != dimensions)
            {
                throw new EmbeddingModelMismatchException(
                    $"Qdrant collection '{ChunkCollection}' holds {size}-dimensional '{QdrantFields.DenseVector}' vectors, not {dimensions}. " +
                    "Drop the collection or configure VectorStore:Qdrant:CollectionName to re-index with another model.");
            }
        }

        _chunkCollectionReady = true;
    }

    /// <summary>Creates the collection unless it exists; true when this call created it. Safe against a replica doing the same.</summary>
    private async Task<bool> EnsureCollectionAsync(
        string name,
        VectorParams? single,
        (VectorParamsMap Dense, (string Name, SparseVectorParams Params) Sparse)? named,
        CancellationToken cancellationToken)
    {
        if (await _client.CollectionExistsAsync(name, cancellationToken))
        {
            return false;
        }

        try
        {
            if (named is { } vectors)
            {
                await _client.CreateCollectionAsync(name, vectors.Dense, sparseVectorsConfig: vectors.Sparse, cancellationToken: cancellationToken);
            }
            else
            {
                await _client.CreateCollectionAsync(name, single!, cancellationToken: cancellationToken);
            }
        }
        catch (global::Grpc.Core.RpcException)
        {
            // Another replica may have won the race; only then is the failure not ours to report.
            if (await _client.CollectionExistsAsync(name, cancellationToken))
            {
                return false;
            }

            throw;
        }

        LogCollectionCreated(name);
        return true;
    }

    public void Dispose() => _initializationGate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Write {Generation} of document {DocumentId} was overtaken by a newer write of it; its chunks are removed")]
    private partial void LogOvertaken(string documentId, long generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created Qdrant collection {Collection}")]
    private partial void LogCollectionCreated(string collection);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Qdrant collection {Collection} was written with keyword stemming {Recorded}, so its keyword terms keep using it, " +
            "not the configured VectorStore:Keyword:Stemming {Configured}; to change it, re-index into a new collection (VectorStore:Qdrant:CollectionName)")]
    private partial void LogRecordedStemmingKept(string collection, KeywordStemming recorded, KeywordStemming configured);
}
