using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using RagApp.Core.Redis;
using RagApp.Gateway.Caching;
using RagApp.Ingest.Worker.Embedding;
using RagApp.Tests.Gateway.Caching;
using RagApp.Tests.Support;
using StackExchange.Redis;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Tests.Cluster;

/// <summary>
/// The caches on a real three-primary Redis Cluster: the query cache's bounded store (one script over the entry and
/// its bookkeeping, all in the {answer} slot) and its flush (every primary, one DEL per slot, nothing but cache keys),
/// and the embedding cache's reads of vectors spread over every slot (one MGET per slot).
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterCacheTests_RequiresRedisServer(RedisClusterFixture cluster)
{
    private const int Timeout = 120_000;
    private const long Bound = 32 * 1024;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact(Timeout = Timeout)]
    public async Task QueryCache_StoresWithinItsBound_AndFlushesEveryCacheKey_OnTheCluster_KeepingTheOtherRolesKeys()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.SkipWhen(cluster.SkipReason is not null, cluster.SkipReason ?? "");
        await using var harness = await QueryCacheOverGarnet.StartAsync(
            cluster, ownsServer: false, new IndexGenerationToken("cluster-cache", 5), options =>
            {
                options.MaxTotalBytes = Bound;
                options.MaxEntryBytes = 16 * 1024;
            }, cancellationToken);
        using var local = new LocalAnswerCache(Options.Create(new QueryCacheOptions { LocalTimeToLive = TimeSpan.Zero }), TimeProvider.System);
        var cache = harness.CreateCache(local, TimeProvider.System);
        var database = cluster.Redis.GetDatabase();
        var keys = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var lookup = await cache.LookupAsync(new Rpc.QueryRequest { Question = $"cluster question {i}", MaxResults = 5 }, stream: false, cancellationToken);
            keys.Add(lookup.Key!);
            await cache.StoreAnswerAsync(lookup, new Rpc.QueryResponse { Answer = new string('a', 4000), IndexGeneration = 5, Answerer = "extractive" });
            Assert.InRange((long)await database.StringGetAsync(QueryCache.BytesKey), 1, Bound);
        }

        var answered = await cache.LookupAsync(new Rpc.QueryRequest { Question = "cluster question 19", MaxResults = 5 }, stream: false, cancellationToken);
        Assert.NotNull(answered.Answer);
        await Eventually.UntilAsync(
            async () => !await database.KeyExistsAsync(keys[0]), "the oldest entry to be evicted", Patience, cancellationToken);

        // Keys of the other roles, on whichever primaries their slots put them.
        var queue = new IngestQueueKeys("cluster-cache-witness");
        RedisKey[] others = [queue.Ready, RedisKeys.SessionPrefix + "witness", RedisKeys.EmbeddingPrefix + "witness", "index:{witness}:generation"];
        foreach (var key in others)
        {
            await database.StringSetAsync(key, "kept");
        }

        // Cache keys outside the {answer} slot (an earlier layout's, restored from a backup) are flushed as well.
        for (var i = 0; i < 10; i++)
        {
            await database.StringSetAsync($"{RedisKeys.CachePrefix}former:{i}", "stale", TimeSpan.FromMinutes(5));
        }

        Assert.True(await cache.FlushAsync(cancellationToken) > 10);

        foreach (var server in cluster.Redis.GetServers().Where(server => !server.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: RedisKeys.CachePrefix + "*").WithCancellation(cancellationToken))
            {
                Assert.Fail($"cache key {key} survived the flush on {server.EndPoint}");
            }
        }

        foreach (var key in others)
        {
            Assert.Equal("kept", (string?)await database.StringGetAsync(key));
            await database.KeyDeleteAsync(key);
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task EmbeddingCache_ReadsVectorsSpreadOverEverySlot_InOneCall_OnTheCluster()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        Assert.SkipWhen(cluster.SkipReason is not null, cluster.SkipReason ?? "");
        var embeddings = new EmbeddingCache(cluster.Redis, Options.Create(new EmbeddingCacheOptions()));
        var model = "cluster-model-" + Guid.NewGuid().ToString("N")[..8];
        var random = new Random(20261203);
        var texts = Enumerable.Range(0, 60).Select(i => $"chunk text {i}").ToList();
        var vectors = texts.Select(_ => Enumerable.Range(0, 8).Select(_ => (float)random.NextDouble()).ToArray()).ToList();
        // Every other text is cached; the rest must come back missing, in their places.
        for (var i = 0; i < texts.Count; i += 2)
        {
            embeddings.Set(model, texts[i], vectors[i]);
        }

        // The keys are spread over every primary: one MGET could not read them.
        var owners = texts.Select(text => cluster.Redis.GetServer(EmbeddingCache.KeyFor(model, text)).EndPoint).Distinct().Count();
        Assert.Equal(RedisClusterFixture.Primaries, owners);

        var read = await Eventually.MatchAsync(
            () => embeddings.GetManyAsync(model, 8, texts),
            found => found.Count(vector => vector is not null) == texts.Count / 2,
            "the fire-and-forget writes to land", Patience, cancellationToken);

        for (var i = 0; i < texts.Count; i++)
        {
            if (i % 2 == 0)
            {
                Assert.Equal(vectors[i], read[i]);
            }
            else
            {
                Assert.Null(read[i]);
            }
        }

        Assert.Equal(MemoryMarshal.AsBytes(vectors[0].AsSpan()).ToArray(), (byte[]?)await cluster.Redis.GetDatabase().StringGetAsync(EmbeddingCache.KeyFor(model, texts[0])));
    }
}
