using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace RagApp.Core.Queue;

public static class IngestQueueServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IIngestQueue"/> and <see cref="IJobStatusStore"/> as singletons over the application's
    /// <see cref="StackExchange.Redis.IConnectionMultiplexer"/> (added by AddRedisClient), with
    /// <see cref="IngestQueueOptions"/> bound from "Ingest:Queue" and validated at start-up, and the start-up move of
    /// the jobs an earlier version queued under the former key names (<see cref="LegacyQueueKeyMigration"/>).
    /// </summary>
    public static IServiceCollection AddIngestQueue(this IServiceCollection services)
    {
        services.AddOptions<IngestQueueOptions>()
            .BindConfiguration(IngestQueueOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IIngestQueue, RedisIngestQueue>();
        services.TryAddSingleton<IJobStatusStore, RedisJobStatusStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LegacyQueueKeyMigration>());
        return services;
    }
}
