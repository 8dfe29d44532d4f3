using System.Threading.Channels;
using RagApp.Core.Queue;
using RagApp.Core.Redis;
using RagApp.Gateway.Caching;
using RagApp.Rag.Index.Qdrant.Coordination;
using RagApp.Tests.Index;
using RagApp.Tests.Support;
using StackExchange.Redis;

namespace RagApp.Tests.Cluster;

/// <summary>
/// RagApp.Rag's Redis work on a real three-primary Redis Cluster: two replicas writing one Qdrant collection through the
/// coordination scripts (the counter and the document records in the collection's slot, the locks), and the index
/// generation publication (key and announcement) that the gateway's cache follows. Qdrant is
/// <see cref="FakeQdrantServer"/> (no server runs here); every Redis call is the real one, routed by slot.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterIndexCoordinationTests_RequiresRedisServer(RedisClusterFixture cluster)
{
    private const int Timeout = 120_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly ReplicaDocuments _documents = new(20261203);

    [Fact(Timeout = Timeout)]
    public async Task TheConnection_IsInClusterMode_AndTheKeysSlots_AreTheOnesTheClusterComputes()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.SkipWhen(cluster.SkipReason is not null, cluster.SkipReason ?? "");
        var primaries = cluster.Redis.GetServers().Where(server => !server.IsReplica).ToList();
        Assert.Equal(RedisClusterFixture.Primaries, primaries.Count);
        Assert.All(primaries, server => Assert.Equal(ServerType.Cluster, server.ServerType));

        var queue = new IngestQueueKeys(new IngestQueueOptions().QueueName);
        string[] keys =
        [
            queue.Ready!, queue.Job("job-{1}")!, queue.Payload("job-{1}")!, queue.Document("doc}{")!,
            QueryCache.EntriesKey, QueryCacheKey.EntryPrefix + "00ff", "index:{ragapp_chunks}:generation", RedisKeys.IndexGeneration,
        ];
        foreach (var key in keys)
        {
            var slot = (long)await primaries[0].ExecuteAsync("CLUSTER", "KEYSLOT", key).WaitAsync(cancellationToken);
            Assert.Equal(ClusterHashSlot.Of(key), slot);
        }

        // The queue and the cache are in different slots of the cluster, so neither pins the other's shard.
        Assert.NotEqual(ClusterHashSlot.Of(queue.Ready!), ClusterHashSlot.Of(QueryCache.EntriesKey));
    }

    [Fact(Timeout = Timeout)]
    public async Task TwoReplicas_ReplacingTheSameDocumentsAtOnce_GetDistinctGenerations_AndTheNewestWriteStands_WithFakeQdrant()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.SkipWhen(cluster.SkipReason is not null, cluster.SkipReason ?? "");
        var server = new FakeQdrantServer { Interleave = true };
        var collection = "cluster_" + Guid.NewGuid().ToString("N")[..8];
        await using var replicaA = await QdrantReplica.StartAsync(server, cluster.PatientConnectionString, collection);
        await using var replicaB = await QdrantReplica.StartAsync(server, cluster.PatientConnectionString, collection);
        string[] documents = ["alpha", "beta", "gamma"];
        var writes = await _documents.RaceAsync(replicaA, replicaB, documents, rounds: 6, cancellationToken);

        Assert.Equal(writes.Count, writes.Select(write => write.Generation).Distinct().Count());
        var points = server.Points(collection).Values.ToList();
        foreach (var document in documents)
        {
            var newest = writes.Where(write => write.Document == document).MaxBy(write => write.Generation);
            var stored = points.Where(point => point.Payload["document_id"].StringValue == document).ToList();
            Assert.Equal(newest.Texts.Order(), stored.Select(point => point.Payload["text"].StringValue).Order());
            Assert.Equal(newest.Generation, await replicaB.Coordinator.LatestGenerationAsync(document, cancellationToken));
        }

        var last = writes.Max(write => write.Generation);
        Assert.Equal(last, await replicaA.Coordinator.CurrentGenerationAsync(cancellationToken));

        // A late version is refused through the records the cluster holds, whichever replica it reaches.
        await replicaA.Store.ReplaceDocumentAsync(ReplicaDocuments.Document("versioned") with { Version = 7 }, _documents.ChunksOf("versioned", ["seven"]), cancellationToken);
        Assert.True((await replicaB.Store.ReplaceDocumentAsync(ReplicaDocuments.Document("versioned") with { Version = 6 }, _documents.ChunksOf("versioned", ["six"]), cancellationToken)).Superseded);
        Assert.True((await replicaB.Store.DeleteDocumentAsync("versioned", 5, cancellationToken)).Superseded);
    }

    [Fact(Timeout = Timeout)]
    public async Task DocumentLock_IsHeldByOneReplicaAtATime_OnTheCluster()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.SkipWhen(cluster.SkipReason is not null, cluster.SkipReason ?? "");
        var collection = "cluster_" + Guid.NewGuid().ToString("N")[..8];
        var coordinatorA = new RedisQdrantWriteCoordinator(() => cluster.Redis, collection, TimeSpan.FromSeconds(30), TimeProvider.System);
        var coordinatorB = new RedisQdrantWriteCoordinator(() => cluster.Redis, collection, TimeSpan.FromSeconds(30), TimeProvider.System);

        var held = await coordinatorA.LockDocumentAsync("doc", cancellationToken);
        var waiting = coordinatorB.LockDocumentAsync("doc", cancellationToken);
        // Other documents are not held up meanwhile.
        await (await coordinatorB.LockDocumentAsync("other", cancellationToken)).DisposeAsync();
        Assert.False(waiting.IsCompleted, "the second replica took a lock the first still held");
        await held.DisposeAsync();
        await (await waiting.WaitAsync(Bound, cancellationToken)).DisposeAsync();
        Assert.Equal(await coordinatorA.GetAsync(cancellationToken), await coordinatorB.GetAsync(cancellationToken));
    }

    [Fact(Timeout = Timeout)]
    public async Task Publication_OnTheCluster_IsAnnounced_AndALateOlderGenerationNeverReplacesANewerOne_WithFakeQdrant()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.SkipWhen(cluster.SkipReason is not null, cluster.SkipReason ?? "");
        // Other tests on this cluster may have left a token of their own.
        await cluster.Redis.GetDatabase().KeyDeleteAsync(RedisKeys.IndexGeneration);
        var server = new FakeQdrantServer();
        var collection = "cluster_" + Guid.NewGuid().ToString("N")[..8];
        await using var replicaA = await QdrantReplica.StartAsync(server, cluster.PatientConnectionString, collection);
        await using var replicaB = await QdrantReplica.StartAsync(server, cluster.PatientConnectionString, collection);
        await replicaA.Store.ReplaceDocumentAsync(ReplicaDocuments.Document("doc"), _documents.ChunksOf("doc", ["one"]), cancellationToken);
        // The gateway's side: a subscriber on its own cluster connection.
        await using var gateway = await ConnectionMultiplexer.ConnectAsync(cluster.PatientConnectionString);
        var announcements = Channel.CreateUnbounded<string>();
        await gateway.GetSubscriber().SubscribeAsync(RedisChannel.Literal(RedisKeys.IndexGeneration), (_, message) => announcements.Writer.TryWrite(message!));
        using var publisherA = replicaA.Publisher();
        using var publisherB = replicaB.Publisher();
        await publisherA.StartAsync(cancellationToken);
        await publisherB.StartAsync(cancellationToken);
        var atStart = await Eventually.GetAsync(() => ReplicaDocuments.ReadTokenAsync(gateway), "the start-up publication", Bound, cancellationToken);

        await publisherA.PublishAsync(atStart.Generation + 100, cancellationToken);
        // Replica B's older write is published last (a retry, a slow network).
        await publisherB.PublishAsync(atStart.Generation + 99, cancellationToken);

        Assert.Equal(atStart with { Generation = atStart.Generation + 100 }, await ReplicaDocuments.ReadTokenAsync(gateway));
        var expected = $"{atStart.Identity} {atStart.Generation + 100}";
        while (await announcements.Reader.ReadAsync(cancellationToken).AsTask().WaitAsync(Bound, cancellationToken) != expected)
        {
            // Earlier announcements (the start-up's) come first.
        }

        await publisherA.StopAsync(cancellationToken);
        await publisherB.StopAsync(cancellationToken);
    }
}
