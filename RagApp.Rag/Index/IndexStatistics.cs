namespace RagApp.Rag.Index;

/// <summary>
/// What the index holds. <see cref="Generation"/> grows with every change, so a cache keyed on it never serves an
/// answer computed over an older index. Model and dimensions are empty/0 until the first write.
/// </summary>
internal sealed record IndexStatistics(
    int DocumentCount,
    int ChunkCount,
    long Generation,
    string EmbeddingModel,
    int EmbeddingDimensions,
    string Store);
