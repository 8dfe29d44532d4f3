using Microsoft.Extensions.DependencyInjection.Extensions;
using RagApp.Core.Redis;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Generation;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

internal static class IndexGenerationExtensions
{
    /// <summary>
    /// Publication of the index generation token to the "redis" connection (<see cref="RedisIndexGenerationPublisher"/>),
    /// which the gateways' query caches key their entries on. Registered after the index's initializer, so that the
    /// start-up publication reads the loaded index. Without a "redis" connection string nothing is published and the
    /// gateways never cache.
    /// </summary>
    public static IHostApplicationBuilder AddIndexGenerationPublication(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RagRedisClientExtensions.ConnectionName)))
        {
            services.TryAddSingleton<IIndexGenerationPublisher, DisabledIndexGenerationPublisher>();
            return builder;
        }

        builder.AddRagRedisClient();
        services.PostConfigure<ConfigurationOptions>(redis =>
        {
            // An index write never waits for an unreachable Redis; the publisher retries in the background.
            redis.BacklogPolicy = BacklogPolicy.FailFast;
            redis.AbortOnConnectFail = false;
        });
        services.TryAddSingleton(TimeProvider.System);
        // The Qdrant store registers a lifetime shared through Redis before this runs; every other index is one process's.
        services.TryAddSingleton<IIndexLifetime, ProcessIndexLifetime>();
        services.AddSingleton(provider => new RedisIndexGenerationPublisher(
            provider.GetRequiredService<IConnectionMultiplexer>,
            provider.GetRequiredService<IVectorStore>(),
            async cancellationToken => IndexIdentity.Create(
                provider, provider.GetRequiredService<IConfiguration>(), await provider.GetRequiredService<IIndexLifetime>().GetAsync(cancellationToken)),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RedisIndexGenerationPublisher>>()));
        services.AddSingleton<IIndexGenerationPublisher>(provider => provider.GetRequiredService<RedisIndexGenerationPublisher>());
        services.AddHostedService(provider => provider.GetRequiredService<RedisIndexGenerationPublisher>());
        return builder;
    }
}
