namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>Opens a snapshot: the state's generation, its embedding model, and how many documents follow.</summary>
internal sealed record SnapshotHeaderRecord(long Generation, string EmbeddingModel, int EmbeddingDimensions, int DocumentCount)
    : IndexRecord(Generation);
