using RagApp.Core.Embeddings;
using RagApp.Core.Grpc;
using RagApp.Core.Health;
using RagApp.Core.Queue;
using RagApp.Core.Redis;
using RagApp.Ingest.Worker.Embedding;
using RagApp.Ingest.Worker.Extraction;
using RagApp.Ingest.Worker.Indexing;
using RagApp.Ingest.Worker.Ingestion;
using RagApp.Ingest.Worker.Telemetry;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddIngestServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        builder.AddRagRedisClient();
        services.AddRagGrpcClients();

        services.AddIngestQueue();
        services.AddDocumentProcessing();
        // The batcher runs one model call per core (Ingest:Embedding:ConcurrentBatches), so each call runs on one
        // thread; configuration still wins, as this runs before the section is bound.
        services.Configure<LocalEmbeddingOptions>(local => local.ParallelBatches = 1);
        builder.AddRagEmbeddingGenerator();

        services.AddOptions<IngestWorkerOptions>().BindConfiguration(IngestWorkerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmbeddingCacheOptions>().BindConfiguration(EmbeddingCacheOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton<IngestTelemetry>();
        services.AddSingleton<IEmbeddingBatchMetrics>(provider => provider.GetRequiredService<IngestTelemetry>());
        services.AddSingleton<EmbeddingCache>();
        services.AddEmbeddingBatcher("Ingest:Embedding");
        services.AddSingleton<ChunkEmbedder>();
        services.AddSingleton<IndexWriter>();
        services.AddSingleton<IndexAvailability>();
        services.AddSingleton<IngestJobProcessor>();
        services.AddHostedService<IngestWorker>();
        services.AddHostedService<QueueDepthSampler>();

        services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis")
            .AddCheck<GrpcServiceHealthCheck>("rag");
    }
}
