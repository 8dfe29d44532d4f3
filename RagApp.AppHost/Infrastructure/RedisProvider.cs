namespace RagApp.AppHost.Infrastructure;

/// <summary>What actually serves the "redis" resource.</summary>
public enum RedisProvider
{
    Container,
    RedisServer,
    Garnet,
}
