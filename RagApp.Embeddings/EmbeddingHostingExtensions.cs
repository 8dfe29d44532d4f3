using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RagApp.Core.Embeddings;

public static class EmbeddingHostingExtensions
{
    /// <summary>ActivitySource and Meter of the embedding pipeline (exported by the service defaults' "RagApp.*").</summary>
    public const string TelemetrySourceName = "RagApp.Embeddings";

    /// <summary>
    /// Registers the singleton <see cref="IEmbeddingGenerator{String, Embedding}"/>: OpenAI or Azure OpenAI when the
    /// "embeddings" connection string is set (see <see cref="EmbeddingConnectionString"/>), otherwise the in-process
    /// MiniLM model configured by "Embeddings:Local". Either way it is wrapped with logging and OpenTelemetry.
    /// </summary>
    public static IHostApplicationBuilder AddRagEmbeddingGenerator(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(EmbeddingConnectionString.Name);
        EmbeddingGeneratorBuilder<string, Embedding<float>> generator;
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            // Parsed here so that a bad string stops start-up instead of the first ingest.
            var connection = EmbeddingConnectionString.Parse(connectionString);
            generator = builder.Services.AddEmbeddingGenerator(services =>
            {
                var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(TelemetrySourceName);
                EmbeddingLog.RemoteProviderSelected(logger, connection.IsAzure ? "Azure OpenAI" : "OpenAI",
                    connection.Endpoint?.ToString() ?? "(OpenAI default)", connection.Model);
                return OpenAIEmbeddingGeneratorFactory.Create(connection);
            });
        }
        else
        {
            builder.Services.AddOptions<LocalEmbeddingOptions>()
                .BindConfiguration(LocalEmbeddingOptions.SectionName)
                .ValidateDataAnnotations()
                .ValidateOnStart();
            generator = builder.Services.AddEmbeddingGenerator(services => new MiniLmEmbeddingGenerator(
                services.GetRequiredService<IOptions<LocalEmbeddingOptions>>().Value,
                services.GetService<TimeProvider>(),
                services.GetService<ILogger<MiniLmEmbeddingGenerator>>()));
        }

        generator.UseLogging().UseOpenTelemetry(sourceName: TelemetrySourceName);
        return builder;
    }
}
