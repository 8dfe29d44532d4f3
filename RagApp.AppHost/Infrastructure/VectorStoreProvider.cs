namespace RagApp.AppHost.Infrastructure;

/// <summary>What actually stores the vectors.</summary>
public enum VectorStoreProvider
{
    QdrantContainer,
    QdrantBinary,
    Embedded,
}
