using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.AI;
using Qdrant.Client;
using RagApp.Core.Embeddings;
using RagApp.Core.Redis;
using RagApp.Rag.Answers;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Embedded;
using RagApp.Rag.Index.Generation;
using RagApp.Rag.Index.Qdrant;
using RagApp.Rag.Index.Qdrant.Coordination;
using RagApp.Rag.Retrieval;
using RagApp.Rag.Sessions;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddRagServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddGrpc();
        builder.Services.AddGrpcHealthChecks();
        builder.AddVectorIndex();
        builder.AddQueries();
    }

    /// <summary>The read path: a session's history, retrieval, then the answerer.</summary>
    public static void AddQueries(this IHostApplicationBuilder builder)
    {
        builder.AddRetrieval();
        builder.AddAnswers();
        builder.AddSessions();
    }

    /// <summary>
    /// Conversation sessions (section "Rag:Sessions", validated at start-up) in the Redis the AppHost passes as the
    /// "redis" connection, through the same client registration as the gateway's and the worker's; and the follow-up
    /// rewriter, term expansion unless a chat model registered one before this runs. Without a "redis" connection
    /// string (RagApp.Rag run on its own) nothing is kept and session ids are ignored.
    /// </summary>
    public static void AddSessions(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SessionStoreOptions>().BindConfiguration(SessionStoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFollowUpRewriter, TermExpansionRewriter>();
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RagRedisClientExtensions.ConnectionName)))
        {
            services.AddSingleton<ISessionStore, DisabledSessionStore>();
            return;
        }

        builder.AddRagRedisClient();
        services.PostConfigure<ConfigurationOptions>(redis =>
        {
            // While Redis is unreachable, fail session commands at once (the question is answered without history)
            // rather than queue them until the session timeout; the connection keeps reconnecting in the background.
            redis.BacklogPolicy = BacklogPolicy.FailFast;
            redis.AbortOnConnectFail = false;
        });
        services.AddSingleton<ISessionStore>(provider => new RedisSessionStore(
            provider.GetRequiredService<IConnectionMultiplexer>,
            provider.GetRequiredService<IOptions<SessionStoreOptions>>(),
            provider.GetRequiredService<QueryTelemetry>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<RedisSessionStore>>()));
    }

    /// <summary>
    /// The answerer: the chat model when the "chat" connection string is set (<see cref="ChatAnswererExtensions.AddChatAnswerer"/>),
    /// otherwise the local extractive one (options from section "Rag:Answers:Extractive"), which the chat answerer
    /// also falls back on.
    /// </summary>
    public static void AddAnswers(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // First, so that its registrations win over the TryAdd defaults below.
        builder.AddChatAnswerer();
        services.AddOptions<ExtractiveAnswerOptions>().BindConfiguration("Rag:Answers:Extractive");
        // Through the question batcher (AddRetrieval registers it): when the answerer embeds sentences (EmbedSentences,
        // or passages without a retrieval similarity) the model runs on the batcher's lanes, not on the request thread.
        // Composed without retrieval (the answerer's registration alone), the generator is called directly.
        services.AddSingleton(provider =>
        {
            var generator = provider.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            var batcher = provider.GetService<EmbeddingBatcher>();
            return new ExtractiveAnswerer(
                batcher is null ? generator : new BatchedEmbeddingGenerator(generator, batcher),
                provider.GetRequiredService<IOptions<ExtractiveAnswerOptions>>().Value);
        });
        services.TryAddSingleton<IAnswerer>(provider => provider.GetRequiredService<ExtractiveAnswerer>());
    }

    /// <summary>
    /// The query side: the embedding generator the index was built with (the same registration as the worker's),
    /// question batching on lanes of its own (section "Rag:Embedding"), and retrieval options ("Rag:Retrieval").
    /// </summary>
    public static void AddRetrieval(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        // The batcher runs one model call per lane (Rag:Embedding:ConcurrentBatches), so each call takes one thread;
        // configuration still wins, as this runs before the section is bound.
        services.Configure<LocalEmbeddingOptions>(local => local.ParallelBatches = 1);
        builder.AddRagEmbeddingGenerator();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<QueryTelemetry>();
        services.AddSingleton<IEmbeddingBatchMetrics>(provider => provider.GetRequiredService<QueryTelemetry>());
        // A lone question starts at once; configuration still wins, as this runs before the section is bound.
        services.Configure<EmbeddingBatcherOptions>(batching => batching.WaitWhenAllLanesIdle = false);
        services.AddEmbeddingBatcher("Rag:Embedding");
        services.AddOptions<RetrievalOptions>().BindConfiguration(RetrievalOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<QuestionEmbedder>();
        services.AddSingleton<PassageRetriever>();
    }

    /// <summary>
    /// The index: options from section "VectorStore" (validated at start-up), the store VectorStore:Provider names,
    /// loading it before requests are served, and for the embedded store its background snapshots.
    /// </summary>
    public static void AddVectorIndex(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<VectorStoreOptions>()
            .BindConfiguration(VectorStoreOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IndexTelemetry>();
        builder.Services.AddHostedService<VectorStoreInitializer>();

        var provider = builder.Configuration.GetValue(
            $"{VectorStoreOptions.SectionName}:{nameof(VectorStoreOptions.Provider)}", VectorStoreProvider.Embedded);
        if (provider == VectorStoreProvider.Qdrant)
        {
            builder.Services.AddSingleton(services =>
            {
                var settings = QdrantConnectionSettings.Parse(builder.Configuration.GetConnectionString(QdrantStoreOptions.ConnectionName));
                var options = services.GetRequiredService<IOptions<VectorStoreOptions>>().Value.Qdrant;
                return new QdrantClient(settings.Endpoint, settings.ApiKey, options.RequestTimeout, services.GetRequiredService<ILoggerFactory>());
            });
            if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(RagRedisClientExtensions.ConnectionName)))
            {
                // One replica only: without a shared Redis, another replica would count generations on its own.
                builder.Services.AddSingleton<IQdrantWriteCoordinator, InProcessQdrantWriteCoordinator>();
            }
            else
            {
                builder.AddRagRedisClient();
                builder.Services.AddSingleton<RedisQdrantWriteCoordinator>(services =>
                {
                    var options = services.GetRequiredService<IOptions<VectorStoreOptions>>().Value.Qdrant;
                    // The lock is held for at most two Qdrant requests, each bounded by the request timeout.
                    return new RedisQdrantWriteCoordinator(
                        services.GetRequiredService<IConnectionMultiplexer>, options.CollectionName, options.RequestTimeout * 2,
                        services.GetRequiredService<TimeProvider>());
                });
                builder.Services.AddSingleton<IQdrantWriteCoordinator>(services => services.GetRequiredService<RedisQdrantWriteCoordinator>());
                // Generations count on in Redis across replicas and restarts: one lifetime for all of them.
                builder.Services.AddSingleton<IIndexLifetime>(services => services.GetRequiredService<RedisQdrantWriteCoordinator>());
            }

            builder.Services.AddSingleton<QdrantVectorStore>();
            builder.Services.AddSingleton<IVectorStore>(services => services.GetRequiredService<QdrantVectorStore>());
        }
        else
        {
            builder.Services.AddSingleton<EmbeddedVectorStore>();
            builder.Services.AddSingleton<IVectorStore>(services => services.GetRequiredService<EmbeddedVectorStore>());
            builder.Services.AddHostedService<EmbeddedSnapshotService>();
        }

        // After the initializer (its start-up publication reads the loaded index) and the store's index lifetime.
        builder.AddIndexGenerationPublication();
    }
}
