using Microsoft.Extensions.DependencyInjection;

namespace RagApp.Core.Embeddings;

public static class EmbeddingBatcherRegistration
{
    /// <summary>
    /// Registers the <see cref="EmbeddingBatcher"/> (a singleton that is also the hosted service running its lanes) with
    /// its options bound from <paramref name="sectionName"/>. The caller registers the embedding generator and an
    /// <see cref="IEmbeddingBatchMetrics"/> under its own meter.
    /// </summary>
    public static IServiceCollection AddEmbeddingBatcher(this IServiceCollection services, string sectionName)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<EmbeddingBatcherOptions>().BindConfiguration(sectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<EmbeddingBatcher>();
        services.AddHostedService(provider => provider.GetRequiredService<EmbeddingBatcher>());
        return services;
    }
}
