using RagApp.Rag.Index.Keywords;

namespace RagApp.Rag.Index.Qdrant;

/// <summary>
/// The index-wide facts kept in the registry's metadata point. The stemming is how the chunks' sparse
/// vectors were made (their dimensions are hashed terms): fixed by the first write, like the model, and
/// <see cref="KeywordStemming.None"/> for a collection written before it was recorded.
/// </summary>
internal sealed record QdrantIndexMetadata(long Generation, string EmbeddingModel, int EmbeddingDimensions, KeywordStemming Stemming)
{
    public static QdrantIndexMetadata Empty { get; } = new(0, "", 0, KeywordStemming.None);

    /// <summary>Whether a write has fixed the model and the stemming; until then the first write brings its own.</summary>
    public bool IsFixed => EmbeddingDimensions > 0;
}
