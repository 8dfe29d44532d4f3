namespace RagApp.Rag.Index;

/// <summary>Where the index lives (VectorStore:Provider).</summary>
internal enum VectorStoreProvider
{
    /// <summary>In process, persisted under VectorStore:DataDirectory.</summary>
    Embedded,
    /// <summary>A Qdrant server, connection string "qdrant".</summary>
    Qdrant,
}
