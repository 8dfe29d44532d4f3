using RagApp.Tests.Queue;

namespace RagApp.Tests.Cluster;

/// <summary>
/// The whole queue contract on a real Redis Cluster (three primaries), with StackExchange.Redis in cluster mode: every
/// script runs on the node that owns the queue's slot, which only works while all its keys share that slot. Skipped,
/// visibly, where redis-server or redis-cli is not installed.
/// </summary>
[Collection(RedisClusterCollection.Name)]
public sealed class RedisClusterIngestQueueTests_RequiresRedisServer(RedisClusterFixture cluster) : IngestQueueContractTests(cluster);
