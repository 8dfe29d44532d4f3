namespace RagApp.AppHost.Infrastructure;

/// <summary>The AppHost's own settings, from the "RagApp" configuration section (docs/configuration.md).</summary>
public sealed class InfrastructureOptions
{
    public const string SectionName = "RagApp";

    public InfrastructureMode InfrastructureMode { get; set; } = InfrastructureMode.Auto;

    public LocalRedisKind LocalRedis { get; set; } = LocalRedisKind.Auto;

    public LocalVectorStoreKind LocalVectorStore { get; set; } = LocalVectorStoreKind.Auto;

    /// <summary>Where local-mode state lives (Garnet or redis-server data, the embedded index). Default: RagApp.AppHost/.data.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Whether the local Redis server answers a write only once its append-only file holds it (Garnet: wait for the
    /// AOF commit; redis-server: <c>appendfsync always</c>), so that an upload answered 202 survives a crash of the
    /// server. Off trades that for throughput (docs/configuration.md gives the figures).
    /// </summary>
    public bool DurableAcknowledgements { get; set; } = true;
}
