namespace RagApp.Rag.Index.Qdrant;

/// <summary>The index-wide facts kept in the registry's metadata point.</summary>
internal sealed record QdrantIndexMetadata(long Generation, string EmbeddingModel, int EmbeddingDimensions)
{
    public static QdrantIndexMetadata Empty { get; } = new(0, "", 0);
}
