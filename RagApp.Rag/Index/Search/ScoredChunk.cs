namespace RagApp.Rag.Index.Search;

/// <summary>
/// A search hit with the document it belongs to. <see cref="Score"/> orders the hits (its scale depends on the mode);
/// the raw cosine and BM25 scores are kept where the store knows them, for diagnostics and thresholds.
/// </summary>
internal sealed record ScoredChunk(
    IndexedDocument Document,
    IndexedChunk Chunk,
    double Score,
    double? DenseScore,
    double? KeywordScore);
