namespace RagApp.AppHost.Infrastructure;

/// <summary>Which Redis-compatible server local mode runs (RagApp:LocalRedis).</summary>
public enum LocalRedisKind
{
    /// <summary><c>redis-server</c> when it is on PATH, the embedded Garnet server otherwise.</summary>
    Auto,

    RedisServer,

    Garnet,
}
