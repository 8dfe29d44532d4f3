using System.Buffers;
using System.Numerics.Tensors;
using RagApp.Rag.Index.Embedded.Storage;
using RagApp.Rag.Index.Keywords;
using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Index.Embedded;

/// <summary>
/// The in-memory state of the embedded store: documents, chunk table, keyword statistics, generation and model.
/// Not thread-safe: <see cref="EmbeddedVectorStore"/> serialises changes and lets reads run in parallel.
/// </summary>
internal sealed class EmbeddedIndex(Bm25 bm25, KeywordStemming stemming)
{
    /// <summary>Shortlist places beyond twice the count a dense scan's 8-bit first pass keeps for exact scoring.</summary>
    internal const int ShortlistMargin = 32;

    private readonly Dictionary<string, DocumentEntry> _documents = new(StringComparer.Ordinal);
    private readonly List<string> _sortedIds = [];
    private readonly ChunkTable _table = new();
    private readonly KeywordIndex _keywords = new(bm25, stemming);

    // Per document id, the highest version applied (see DocumentVersions), kept after a delete as its tombstone.
    private readonly Dictionary<string, long> _versions = new(StringComparer.Ordinal);

    public long Generation { get; private set; }
    public string EmbeddingModel { get; private set; } = "";
    public int EmbeddingDimensions { get; private set; }
    public int DocumentCount => _documents.Count;
    public int ChunkCount => _table.Count;

    /// <summary>Throws when vectors of this model would not belong in the index.</summary>
    public void EnsureModel(string model, int dimensions)
    {
        if (ModelMismatch(EmbeddingModel, EmbeddingDimensions, model, dimensions) is { } mismatch)
        {
            throw mismatch;
        }
    }

    /// <summary>
    /// The refusal of vectors of <paramref name="model"/> by an index holding <paramref name="indexModel"/>, or null when
    /// they belong (an index of no dimension yet takes any model).
    /// </summary>
    public static EmbeddingModelMismatchException? ModelMismatch(string indexModel, int indexDimensions, string model, int dimensions) =>
        indexDimensions != 0 && (!string.Equals(model, indexModel, StringComparison.Ordinal) || dimensions != indexDimensions)
            ? new EmbeddingModelMismatchException(indexModel, indexDimensions, model, dimensions)
            : null;

    /// <summary>Restores generation and model from a snapshot header.</summary>
    public void Restore(SnapshotHeaderRecord header)
    {
        Generation = header.Generation;
        EmbeddingModel = header.EmbeddingModel;
        EmbeddingDimensions = header.EmbeddingDimensions;
    }

    /// <summary>Loads one record of a snapshot (whose generation the header already set): a document, or a held version.</summary>
    public void Load(IndexRecord record)
    {
        switch (record)
        {
            case ReplaceDocumentRecord replace:
                // A snapshot holds the vectors as this index kept them: already normalised.
                Replace(replace.Document, replace.Chunks, vectorsNormalized: true);
                Hold(replace.Document.DocumentId, replace.Document.Version);
                break;
            case DocumentVersionRecord version:
                Hold(version.DocumentId, version.Version);
                break;
            default:
                throw new InvalidDataException($"A {record.GetType().Name} does not belong in a snapshot's body.");
        }
    }

    /// <summary>The highest version applied to the document, a delete's included; 0 when none was versioned.</summary>
    public long HeldVersion(string documentId) => _versions.GetValueOrDefault(documentId);

    /// <summary>Applies a change with a newer generation; older ones (already in the snapshot) are skipped.</summary>
    public bool Apply(IndexRecord record)
    {
        if (record.Generation <= Generation)
        {
            return false;
        }

        switch (record)
        {
            case ReplaceDocumentRecord replace:
                Replace(replace.Document, replace.Chunks);
                Hold(replace.Document.DocumentId, replace.Document.Version);
                break;
            case KeepDocumentRecord keep:
                Describe(keep.Document);
                Hold(keep.Document.DocumentId, keep.Document.Version);
                break;
            case DeleteDocumentRecord delete:
                Remove(delete.DocumentId);
                Hold(delete.DocumentId, delete.Version);
                break;
            default:
                throw new InvalidDataException($"A {record.GetType().Name} cannot be applied to the index.");
        }

        Generation = record.Generation;
        return true;
    }

    public IndexedDocument? GetDocument(string documentId) =>
        _documents.TryGetValue(documentId, out var entry) ? entry.Document : null;

    /// <summary>Documents in ordinal id order, starting after <paramref name="afterDocumentId"/>.</summary>
    public DocumentPage ListDocuments(int pageSize, string? afterDocumentId)
    {
        var start = 0;
        if (afterDocumentId is not null)
        {
            var index = _sortedIds.BinarySearch(afterDocumentId, StringComparer.Ordinal);
            start = index >= 0 ? index + 1 : ~index;
        }

        var end = Math.Min(_sortedIds.Count, start + pageSize);
        var documents = new List<IndexedDocument>(Math.Max(0, end - start));
        for (var i = start; i < end; i++)
        {
            documents.Add(_documents[_sortedIds[i]].Document);
        }

        var next = end < _sortedIds.Count && documents.Count > 0 ? documents[^1].DocumentId : null;
        return new DocumentPage(documents, next, _documents.Count);
    }

    public IReadOnlyList<IndexedChunk>? GetChunks(string documentId, bool includeVectors)
    {
        if (!_documents.TryGetValue(documentId, out var entry))
        {
            return null;
        }

        var chunks = new IndexedChunk[entry.Slots.Length];
        for (var ordinal = 0; ordinal < chunks.Length; ordinal++)
        {
            var slot = entry.Slots[ordinal];
            var chunk = _table.ChunkAt(slot)!.Chunk;
            chunks[ordinal] = includeVectors ? chunk with { Vector = _table.VectorAt(slot).ToArray() } : chunk;
        }

        return chunks;
    }

    /// <summary>Every document as a replace record with vectors, in id order: the body of a snapshot.</summary>
    public IEnumerable<ReplaceDocumentRecord> ExportDocuments()
    {
        foreach (var documentId in _sortedIds)
        {
            var entry = _documents[documentId];
            yield return new ReplaceDocumentRecord(Generation, entry.Document, GetChunks(documentId, includeVectors: true)!);
        }
    }

    /// <summary>
    /// The held versions a snapshot of the documents alone would lose: tombstones, and versions above what a document's
    /// content came from (an unversioned write over a versioned one).
    /// </summary>
    public IEnumerable<DocumentVersionRecord> ExportVersions()
    {
        foreach (var (documentId, version) in _versions.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (version > (GetDocument(documentId)?.Version ?? 0))
            {
                yield return new DocumentVersionRecord(Generation, documentId, version);
            }
        }
    }

    /// <param name="normalizedQuery">The query vector, already L2-normalised; empty when the mode needs none.</param>
    public List<ScoredChunk> Search(
        ReadOnlySpan<float> normalizedQuery,
        IReadOnlyList<string> queryTerms,
        int topK,
        SearchFilter? filter,
        SearchOptions options)
    {
        if (_table.Count == 0)
        {
            return [];
        }

        var slotLimit = _table.SlotLimit;
        bool[]? allowed = null;
        try
        {
            if (filter is { IsEmpty: false })
            {
                allowed = ArrayPool<bool>.Shared.Rent(slotLimit);
                if (!MarkAllowedSlots(filter, allowed, slotLimit))
                {
                    return [];
                }
            }

            var candidates = options.Mode == SearchMode.Hybrid ? Math.Max(topK, options.CandidateCount) : topK;
            var dense = options.Mode != SearchMode.Keyword ? RankDense(normalizedQuery, allowed, candidates) : [];
            var keyword = options.Mode != SearchMode.Dense ? RankKeyword(queryTerms, allowed, candidates) : [];
            return options.Mode switch
            {
                SearchMode.Dense => dense.ConvertAll(hit => ToScoredChunk(hit.Key, hit.Score, hit.Score, null)),
                SearchMode.Keyword => keyword.ConvertAll(hit => ToScoredChunk(hit.Key, hit.Score, null, hit.Score)),
                _ when options.Fusion == FusionMethod.Adaptive => AdaptiveFusion
                    .Fuse(dense, keyword, candidates, normalizedQuery, _table.VectorMemoryAt, options, topK, ProximityOf(queryTerms, options))
                    .ConvertAll(hit => ToScoredChunk(hit.Key, hit.Score, hit.DenseScore, hit.KeywordScore)),
                _ => HybridFusion.Fuse(dense, keyword, options, topK)
                    .ConvertAll(hit => ToScoredChunk(hit.Key, hit.Score, hit.DenseScore, hit.KeywordScore)),
            };
        }
        finally
        {
            if (allowed is not null)
            {
                ArrayPool<bool>.Shared.Return(allowed);
            }
        }
    }

    /// <summary>The proximity score of a slot's text to the question's terms; null when the question has no two terms.</summary>
    private Func<int, double>? ProximityOf(IReadOnlyList<string> queryTerms, SearchOptions options)
    {
        var proximity = new TermProximity(queryTerms, stemming, options.ProximityWindow);
        return proximity.HasPairs ? slot => proximity.Score(_table.ChunkAt(slot)!.Chunk.Text) : null;
    }

    private void Replace(IndexedDocument document, IReadOnlyList<IndexedChunk> chunks, bool vectorsNormalized = false)
    {
        EnsureModel(document.EmbeddingModel, document.EmbeddingDimensions);
        var isNew = !_documents.ContainsKey(document.DocumentId);
        if (!isNew)
        {
            Remove(document.DocumentId);
        }

        var entry = new DocumentEntry(document with { ChunkCount = chunks.Count }, new int[chunks.Count]);
        foreach (var chunk in chunks)
        {
            var slot = _table.Add(new StoredChunk(chunk with { Vector = ReadOnlyMemory<float>.Empty }, entry), chunk.Vector.Span, vectorsNormalized);
            entry.Slots[chunk.Ordinal] = slot;
            _keywords.Add(slot, chunk.Text);
        }

        _documents.Add(document.DocumentId, entry);
        var index = _sortedIds.BinarySearch(document.DocumentId, StringComparer.Ordinal);
        _sortedIds.Insert(~index, document.DocumentId);
        if (EmbeddingDimensions == 0)
        {
            EmbeddingModel = document.EmbeddingModel;
            EmbeddingDimensions = document.EmbeddingDimensions;
        }
    }

    private void Hold(string documentId, long version)
    {
        if (version > 0)
        {
            _versions[documentId] = DocumentVersions.AfterWrite(HeldVersion(documentId), version);
        }
    }

    /// <summary>A new description of a document whose chunks stay: what a keep-chunks write changes.</summary>
    private void Describe(IndexedDocument document)
    {
        if (!_documents.TryGetValue(document.DocumentId, out var entry))
        {
            throw new InvalidDataException($"A keep-chunks record names document '{document.DocumentId}', which the index does not hold.");
        }

        entry.Document = document with { ChunkCount = entry.Slots.Length };
    }

    private void Remove(string documentId)
    {
        if (!_documents.Remove(documentId, out var entry))
        {
            return;
        }

        foreach (var slot in entry.Slots)
        {
            _keywords.Remove(slot, _table.ChunkAt(slot)!.Chunk.Text);
            _table.Remove(slot);
        }

        _sortedIds.RemoveAt(_sortedIds.BinarySearch(documentId, StringComparer.Ordinal));
    }

    private bool MarkAllowedSlots(SearchFilter filter, bool[] allowed, int slotLimit)
    {
        Array.Clear(allowed, 0, slotLimit);
        var any = false;
        IEnumerable<DocumentEntry> documents = filter.DocumentIds.Count > 0
            ? filter.DocumentIds.Select(id => _documents.GetValueOrDefault(id)).OfType<DocumentEntry>()
            : _documents.Values;
        foreach (var entry in documents)
        {
            if (!filter.Matches(entry.Document))
            {
                continue;
            }

            foreach (var slot in entry.Slots)
            {
                allowed[slot] = true;
                any = true;
            }
        }

        return any;
    }

    /// <summary>
    /// The <paramref name="count"/> best cosines, exactly. Over a large table a first pass ranks every vector by its
    /// 8-bit copy (<see cref="Int8Vectors"/>: a quarter of the memory traffic) and keeps a shortlist twice as long as
    /// asked plus <see cref="ShortlistMargin"/>, which is then scored with the float vectors. A vector left off the
    /// shortlist scored at most the shortlist's worst 8-bit score, so its cosine is at most that plus
    /// <see cref="Int8Vectors.ErrorBound"/>; when that cannot reach the exact scores kept, the shortlist held the
    /// whole answer. Otherwise (scores packed closer than the bound, e.g. many near-copies of one text) the scan is
    /// done again in floats: the answer is the exact ranking either way.
    /// </summary>
    private List<RankedCandidate<int>> RankDense(ReadOnlySpan<float> query, bool[]? allowed, int count)
    {
        if (query.IsEmpty)
        {
            return [];
        }

        var dimensions = _table.Dimensions;
        var shortlistSize = (2 * count) + ShortlistMargin;
        if (_table.SlotLimit <= shortlistSize)
        {
            return RankExactly(query, allowed, count);
        }

        var shortlist = new TopKCollector(shortlistSize);
        var queryBytes = ArrayPool<sbyte>.Shared.Rent(dimensions);
        var queryWide = ArrayPool<short>.Shared.Rent(dimensions);
        double queryError;
        try
        {
            var bytes = queryBytes.AsSpan(0, dimensions);
            var queryScale = Int8Vectors.Quantize(query, bytes);
            queryError = Int8Vectors.RoundingError(query, bytes, queryScale);
            Int8Vectors.Widen(bytes, queryWide);
            var wide = queryWide.AsSpan(0, dimensions);
            var quantized = _table.QuantizedVectors;
            var scales = _table.QuantizedScales;
            for (var slot = 0; slot < scales.Length; slot++)
            {
                if (allowed is null ? _table.ChunkAt(slot) is null : !allowed[slot])
                {
                    continue;
                }

                shortlist.Offer(slot, queryScale * scales[slot] * Int8Vectors.Dot(quantized.Slice(slot * dimensions, dimensions), wide));
            }
        }
        finally
        {
            ArrayPool<sbyte>.Shared.Return(queryBytes);
            ArrayPool<short>.Shared.Return(queryWide);
        }

        var vectors = _table.Vectors;
        var exact = new TopKCollector(count);
        foreach (var slot in shortlist.Slots)
        {
            exact.Offer(slot, TensorPrimitives.Dot(vectors.Slice(slot * dimensions, dimensions), query));
        }

        var bound = Int8Vectors.ErrorBound(_table.LargestRoundingError, queryError);
        var shortlistHeldEverything = shortlist.Count < shortlistSize;
        var outsiderCannotEnter = exact.Count == count && shortlist.WorstScore + bound < exact.WorstScore;
        return shortlistHeldEverything || outsiderCannotEnter ? exact.ToRanking() : RankExactly(query, allowed, count);
    }

    private List<RankedCandidate<int>> RankExactly(ReadOnlySpan<float> query, bool[]? allowed, int count)
    {
        var collector = new TopKCollector(count);
        var vectors = _table.Vectors;
        var dimensions = _table.Dimensions;
        for (var slot = 0; slot < _table.SlotLimit; slot++)
        {
            if (allowed is null ? _table.ChunkAt(slot) is null : !allowed[slot])
            {
                continue;
            }

            collector.Offer(slot, TensorPrimitives.Dot(vectors.Slice(slot * dimensions, dimensions), query));
        }

        return collector.ToRanking();
    }

    private List<RankedCandidate<int>> RankKeyword(IReadOnlyList<string> terms, bool[]? allowed, int count)
    {
        var collector = new TopKCollector(count);
        _keywords.Search(terms, _table.SlotLimit, allowed, collector);
        return collector.ToRanking();
    }

    private ScoredChunk ToScoredChunk(int slot, double score, double? dense, double? keyword)
    {
        var stored = _table.ChunkAt(slot)!;
        // A hit the dense ranking did not reach (keyword-only in a hybrid search, or any keyword search) has no cosine;
        // its vector lets the caller compute one. Without it the extractive answerer embedded every sentence of the
        // passages on the request thread, outside the batcher (docs/architecture.md, "Query: question → sources").
        var chunk = dense is null ? stored.Chunk with { Vector = _table.VectorAt(slot).ToArray() } : stored.Chunk;
        return new ScoredChunk(stored.Document.Document, chunk, score, dense, keyword);
    }
}
