using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Generation;
using RagApp.Rag.Index.Qdrant;
using RagApp.Rag.Index.Qdrant.Coordination;
using StackExchange.Redis;

namespace RagApp.Tests.Index;

/// <summary>
/// One RagApp.Rag replica's view of a Qdrant collection (<see cref="FakeQdrantServer"/>: no server runs here): its own
/// Qdrant client, Redis connection, write coordinator and store, as RagApp.Rag's wiring builds them.
/// </summary>
internal sealed class QdrantReplica(QdrantClient client, ConnectionMultiplexer redis, RedisQdrantWriteCoordinator coordinator, QdrantVectorStore store) : IAsyncDisposable
{
    public QdrantVectorStore Store => store;

    public RedisQdrantWriteCoordinator Coordinator => coordinator;

    /// <summary>The replica's generation publisher, with the identity RagApp.Rag's wiring gives it (default configuration).</summary>
    public RedisIndexGenerationPublisher Publisher()
    {
        var services = new ServiceCollection().BuildServiceProvider();
        var configuration = new ConfigurationBuilder().Build();
        return new RedisIndexGenerationPublisher(
            () => redis, store,
            async cancellationToken => IndexIdentity.Create(services, configuration, await coordinator.GetAsync(cancellationToken)),
            TimeProvider.System, NullLogger<RedisIndexGenerationPublisher>.Instance);
    }

    public static async Task<QdrantReplica> StartAsync(FakeQdrantServer server, string connectionString, string collection)
    {
        var client = new QdrantClient(new QdrantGrpcClient(server), TimeSpan.FromSeconds(5), NullLoggerFactory.Instance);
        var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var coordinator = new RedisQdrantWriteCoordinator(() => redis, collection, TimeSpan.FromSeconds(10), TimeProvider.System);
        var options = new VectorStoreOptions { Provider = VectorStoreProvider.Qdrant };
        options.Qdrant.CollectionName = collection;
        var store = new QdrantVectorStore(client, coordinator, Options.Create(options), NullLogger<QdrantVectorStore>.Instance);
        return new QdrantReplica(client, redis, coordinator, store);
    }

    public async ValueTask DisposeAsync()
    {
        store.Dispose();
        client.Dispose();
        await redis.DisposeAsync();
    }
}
