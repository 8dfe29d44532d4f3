namespace RagApp.AppHost.Infrastructure;

/// <summary>How the AppHost provides Redis and the vector store (docs/configuration.md, RagApp:InfrastructureMode).</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when a container runtime answers, local processes otherwise.</summary>
    Auto,

    /// <summary>Redis and Qdrant containers (always the case when publishing).</summary>
    Containers,

    /// <summary>No containers: redis-server or embedded Garnet; a qdrant binary or the embedded index.</summary>
    Local,
}
