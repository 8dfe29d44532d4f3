namespace RagApp.AppHost.Infrastructure;

/// <summary>The infrastructure the AppHost decided on, with the reason, so that it can say why.</summary>
public sealed record InfrastructurePlan(
    RedisProvider Redis,
    VectorStoreProvider VectorStore,
    string DataDirectory,
    string Reason)
{
    /// <summary>Whether the local Redis server acknowledges a write only once it is on its append-only file.</summary>
    public bool DurableAcknowledgements { get; init; } = true;

    public bool UsesContainers => Redis == RedisProvider.Container || VectorStore == VectorStoreProvider.QdrantContainer;
}
