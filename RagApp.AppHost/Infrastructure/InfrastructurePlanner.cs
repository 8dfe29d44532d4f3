using Aspire.Hosting;
using Microsoft.Extensions.Configuration;

namespace RagApp.AppHost.Infrastructure;

/// <summary>
/// Decides, once at start-up, what serves Redis and the vectors (docs/architecture.md, "Infrastructure modes"): containers when a
/// container runtime answers or when publishing; otherwise redis-server from PATH or embedded Garnet,
/// and a qdrant binary from PATH or the index embedded in RagApp.Rag. RagApp:InfrastructureMode forces it.
/// </summary>
public static class InfrastructurePlanner
{
    public static InfrastructurePlan Plan(IDistributedApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(InfrastructureOptions.SectionName).Get<InfrastructureOptions>()
            ?? new InfrastructureOptions();
        var dataDirectory = Path.GetFullPath(string.IsNullOrWhiteSpace(options.DataDirectory)
            ? Path.Combine(builder.AppHostDirectory, ".data")
            : Path.Combine(builder.AppHostDirectory, options.DataDirectory));

        if (builder.ExecutionContext.IsPublishMode)
        {
            return new(RedisProvider.Container, VectorStoreProvider.QdrantContainer, dataDirectory,
                "publishing: deployments run Redis and Qdrant as containers");
        }

        string reason;
        switch (options.InfrastructureMode)
        {
            case InfrastructureMode.Containers:
                return new(RedisProvider.Container, VectorStoreProvider.QdrantContainer, dataDirectory,
                    "RagApp:InfrastructureMode is Containers");
            case InfrastructureMode.Local:
                reason = "RagApp:InfrastructureMode is Local";
                break;
            default:
                var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker";
                var whyNot = ContainerRuntimeProbe.WhyUnavailable(runtime);
                if (whyNot is null)
                {
                    return new(RedisProvider.Container, VectorStoreProvider.QdrantContainer, dataDirectory,
                        $"the container runtime '{runtime}' answers");
                }

                reason = $"no container runtime ({whyNot})";
                break;
        }

        var (redis, redisReason) = ChooseLocalRedis(options.LocalRedis);
        var (vectors, vectorReason) = ChooseLocalVectorStore(options.LocalVectorStore);
        return new(redis, vectors, dataDirectory, $"{reason}; {redisReason}; {vectorReason}")
        {
            DurableAcknowledgements = options.DurableAcknowledgements,
        };
    }

    private static (RedisProvider, string) ChooseLocalRedis(LocalRedisKind kind) => kind switch
    {
        LocalRedisKind.RedisServer => (RedisProvider.RedisServer, "redis-server forced by RagApp:LocalRedis"),
        LocalRedisKind.Garnet => (RedisProvider.Garnet, "embedded Garnet forced by RagApp:LocalRedis"),
        _ => ExecutableLocator.Find("redis-server") is { } path
            ? (RedisProvider.RedisServer, $"redis-server found at {path}")
            : (RedisProvider.Garnet, "redis-server not on PATH, so the embedded Garnet server"),
    };

    private static (VectorStoreProvider, string) ChooseLocalVectorStore(LocalVectorStoreKind kind) => kind switch
    {
        LocalVectorStoreKind.Qdrant => (VectorStoreProvider.QdrantBinary, "qdrant forced by RagApp:LocalVectorStore"),
        LocalVectorStoreKind.Embedded => (VectorStoreProvider.Embedded, "embedded index forced by RagApp:LocalVectorStore"),
        _ => ExecutableLocator.Find("qdrant") is { } path
            ? (VectorStoreProvider.QdrantBinary, $"qdrant found at {path}")
            : (VectorStoreProvider.Embedded, "qdrant not on PATH, so the index embedded in RagApp.Rag"),
    };
}
