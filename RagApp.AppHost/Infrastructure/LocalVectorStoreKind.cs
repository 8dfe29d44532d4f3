namespace RagApp.AppHost.Infrastructure;

/// <summary>Which vector store local mode uses (RagApp:LocalVectorStore).</summary>
public enum LocalVectorStoreKind
{
    /// <summary>A <c>qdrant</c> binary when it is on PATH, the index embedded in RagApp.Rag otherwise.</summary>
    Auto,

    Qdrant,

    Embedded,
}
