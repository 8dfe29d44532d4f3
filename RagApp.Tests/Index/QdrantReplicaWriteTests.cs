using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using RagApp.Core.Documents;
using RagApp.Core.Redis;
using RagApp.Garnet;
using RagApp.Rag.Index;
using RagApp.Rag.Index.Generation;
using RagApp.Rag.Index.Qdrant;
using RagApp.Rag.Index.Qdrant.Coordination;
using RagApp.Tests.Support;
using StackExchange.Redis;

namespace RagApp.Tests.Index;

/// <summary>
/// Two Qdrant stores, as two RagApp.Rag replicas, write the same documents at once through one shared Qdrant and one
/// real Redis (Garnet in-process) that coordinates them. Qdrant is <see cref="FakeQdrantServer"/> (no server runs here),
/// with the requests of both stores interleaving; the counter, versions and locks are the real Redis scripts.
/// </summary>
public sealed class QdrantReplicaWriteTests : IDisposable
{
    private const int Timeout = 120_000;
    private const string Chunks = "ragapp_chunks";
    private const string Registry = "ragapp_chunks_documents";

    private readonly string _garnetDirectory = Directory.CreateTempSubdirectory("ragapp-replicas-garnet-").FullName;
    private readonly string _password = Guid.NewGuid().ToString("N");
    private readonly int _port = RagApp.AppHost.Infrastructure.FreeLocalPort.Next();
    private readonly Random _random = new(20261203);
    private readonly FakeQdrantServer _server = new() { Interleave = true };

    public void Dispose()
    {
        try
        {
            Directory.Delete(_garnetDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing its last file; the temp folder goes eventually.
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task TwoReplicas_ReplacingTheSameDocumentsAtOnce_GetDistinctGenerations_AndTheNewestWriteOfEachDocumentStandsWhole_WithFakeQdrant()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var garnet = StartGarnet();
        await using var replicaA = await Replica.StartAsync(_server, ConnectionString);
        await using var replicaB = await Replica.StartAsync(_server, ConnectionString);
        string[] documents = ["alpha", "beta", "gamma"];
        var writes = new List<(string Document, long Generation, string[] Texts)>();

        for (var round = 0; round < 12; round++)
        {
            var tasks = new List<Task<(string, long, string[])>>();
            foreach (var document in documents)
            {
                // Different chunk counts per replica: a mix of both versions, or a leftover, shows in the count.
                tasks.Add(WriteAsync(replicaA.Store, document, Texts("A", round, document, 2 + (round % 3)), cancellationToken));
                tasks.Add(WriteAsync(replicaB.Store, document, Texts("B", round, document, 5), cancellationToken));
            }

            writes.AddRange(await Task.WhenAll(tasks));
        }

        Assert.Equal(writes.Count, writes.Select(write => write.Generation).Distinct().Count());
        var points = _server.Points(Chunks).Values.ToList();
        foreach (var document in documents)
        {
            var newest = writes.Where(write => write.Document == document).MaxBy(write => write.Generation);
            var stored = points.Where(point => point.Payload["document_id"].StringValue == document).ToList();
            Assert.Equal(newest.Texts.Order(), stored.Select(point => point.Payload["text"].StringValue).Order());
            Assert.All(stored, point => Assert.Equal(newest.Generation, point.Payload["generation"].IntegerValue));
            var held = await replicaB.Store.GetDocumentAsync(document, cancellationToken);
            Assert.Equal(newest.Texts.Length, held!.ChunkCount);
            Assert.Equal(newest.Texts, (await replicaA.Store.GetChunksAsync(document, false, cancellationToken))!.Select(chunk => chunk.Text));
        }

        var last = writes.Max(write => write.Generation);
        Assert.Equal(last, await replicaA.Store.GetGenerationAsync(cancellationToken));
        Assert.Equal(last, await replicaB.Store.GetGenerationAsync(cancellationToken));
        Assert.Equal(documents.Length, (await replicaA.Store.GetStatsAsync(cancellationToken)).DocumentCount);
    }

    [Fact(Timeout = Timeout)]
    public async Task TwoReplicas_VersionedWritesArrivingInAnyOrder_KeepTheNewestVersion_AndADeleteBetweenThemLeavesNothingOlder_WithFakeQdrant()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var garnet = StartGarnet();
        await using var replicaA = await Replica.StartAsync(_server, ConnectionString);
        await using var replicaB = await Replica.StartAsync(_server, ConnectionString);
        var versions = Enumerable.Range(1, 16).Select(version => (long)version).ToArray();
        _random.Shuffle(versions);
        const long deletedAt = 9;

        var tasks = versions.Select((version, i) =>
        {
            var store = i % 2 == 0 ? replicaA.Store : replicaB.Store;
            return version == deletedAt
                ? store.DeleteDocumentAsync("doc", version, cancellationToken)
                : (Task)store.ReplaceDocumentAsync(Document("doc") with { Version = version }, ChunksOf("doc", Texts("v", (int)version, "doc", 1 + (int)(version % 4))), cancellationToken);
        });
        await Task.WhenAll(tasks);

        var held = await replicaA.Store.GetDocumentAsync("doc", cancellationToken);
        Assert.Equal(16, held!.Version);
        var stored = _server.Points(Chunks).Values.Select(point => point.Payload["text"].StringValue).Order();
        Assert.Equal(Texts("v", 16, "doc", 1), stored);

        // The version every write left behind refuses the ones that come late, on either replica.
        Assert.True((await replicaB.Store.ReplaceDocumentAsync(Document("doc") with { Version = 15 }, ChunksOf("doc", ["late"]), cancellationToken)).Superseded);
        Assert.True((await replicaA.Store.DeleteDocumentAsync("doc", 3, cancellationToken)).Superseded);
    }

    [Fact(Timeout = Timeout)]
    public async Task TwoReplicas_PublishUnderOneIdentity_SoALatePublicationOfAnOlderGenerationNeverReplacesANewerOne_WithFakeQdrant()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var garnet = StartGarnet();
        await using var replicaA = await Replica.StartAsync(_server, ConnectionString);
        await using var replicaB = await Replica.StartAsync(_server, ConnectionString);
        await replicaA.Store.ReplaceDocumentAsync(Document("doc"), ChunksOf("doc", ["one"]), cancellationToken);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        using var publisherA = replicaA.Publisher();
        using var publisherB = replicaB.Publisher();
        await publisherA.StartAsync(cancellationToken);
        await publisherB.StartAsync(cancellationToken);
        // Both publish the generation the shared counter holds at start-up.
        var atStart = await Eventually.GetAsync(() => ReadTokenAsync(redis), "the start-up publication", TimeSpan.FromSeconds(30), cancellationToken);

        await publisherA.PublishAsync(100, cancellationToken);
        // Replica B's write of 99 finished before A's of 100, but its publication comes last (a retry, a slow network).
        await publisherB.PublishAsync(99, cancellationToken);

        Assert.Equal(new IndexGenerationToken(atStart.Identity, 100), await ReadTokenAsync(redis));
        await publisherA.StopAsync(cancellationToken);
        await publisherB.StopAsync(cancellationToken);
    }

    private static async Task<IndexGenerationToken?> ReadTokenAsync(ConnectionMultiplexer redis) =>
        IndexGenerationToken.TryParse(await redis.GetDatabase().StringGetAsync(RedisKeys.IndexGeneration), out var token) ? token : null;

    private async Task<(string, long, string[])> WriteAsync(QdrantVectorStore store, string document, string[] texts, CancellationToken cancellationToken)
    {
        var result = await store.ReplaceDocumentAsync(Document(document), ChunksOf(document, texts), cancellationToken);
        return (document, result.Generation, texts);
    }

    private static string[] Texts(string writer, int round, string document, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"{writer}{round} {document} chunk {i}")];

    private static IndexedDocument Document(string id) => new() { DocumentId = id, Title = "T " + id, EmbeddingModel = "fake-model", EmbeddingDimensions = 8 };

    private IndexedChunk[] ChunksOf(string documentId, string[] texts)
    {
        lock (_random)
        {
            return [.. texts.Select((text, ordinal) => new IndexedChunk
            {
                ChunkId = ChunkIds.Create(documentId, ordinal),
                Ordinal = ordinal,
                Text = text,
                Vector = SyntheticVectors.Unit(_random, 8),
            })];
        }
    }

    private string ConnectionString => $"127.0.0.1:{_port},password={_password}";

    private EmbeddedGarnetServer StartGarnet() => EmbeddedGarnetServer.Start(new GarnetHostOptions
    {
        Port = _port,
        Password = _password,
        DataDirectory = _garnetDirectory,
    });

    /// <summary>One RagApp.Rag replica's view: its own Qdrant client, Redis connection, coordinator and store.</summary>
    private sealed class Replica(QdrantClient client, ConnectionMultiplexer redis, RedisQdrantWriteCoordinator coordinator, QdrantVectorStore store) : IAsyncDisposable
    {
        public QdrantVectorStore Store => store;

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

        public static async Task<Replica> StartAsync(FakeQdrantServer server, string connectionString)
        {
            var client = new QdrantClient(new QdrantGrpcClient(server), TimeSpan.FromSeconds(5), NullLoggerFactory.Instance);
            var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
            var coordinator = new RedisQdrantWriteCoordinator(() => redis, Chunks, TimeSpan.FromSeconds(10), TimeProvider.System);
            var store = new QdrantVectorStore(
                client, coordinator, Options.Create(new VectorStoreOptions { Provider = VectorStoreProvider.Qdrant }), NullLogger<QdrantVectorStore>.Instance);
            return new Replica(client, redis, coordinator, store);
        }

        public async ValueTask DisposeAsync()
        {
            store.Dispose();
            client.Dispose();
            await redis.DisposeAsync();
        }
    }
}
