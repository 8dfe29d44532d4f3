using RagApp.Gateway.Caching;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

internal static class QueryCacheExtensions
{
    /// <summary>
    /// The query cache (<see cref="QueryCache"/>, options from "Gateway:Cache", validated at start-up) and the local copy
    /// of the index generation token it keys entries on (<see cref="IndexGenerationWatcher"/>, which follows Redis in
    /// the background from start-up).
    /// </summary>
    public static IServiceCollection AddQueryCache(this IServiceCollection services)
    {
        services.AddOptions<QueryCacheOptions>()
            .BindConfiguration(QueryCacheOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<QueryCacheTelemetry>();
        services.AddSingleton(provider => new IndexGenerationWatcher(
            provider.GetRequiredService<IConnectionMultiplexer>,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<IndexGenerationWatcher>>()));
        services.AddHostedService(provider => provider.GetRequiredService<IndexGenerationWatcher>());
        services.AddSingleton<LocalAnswerCache>();
        services.AddSingleton<QueryCache>();
        return services;
    }
}
