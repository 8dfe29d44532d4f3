namespace RagApp.Tests.Queue;

/// <summary>The queue contract on Debian's redis-server; skipped, visibly, where it is not installed.</summary>
public sealed class RedisServerIngestQueueTests_RequiresRedisServer(RedisServerQueueFixture server)
    : IngestQueueContractTests(server), IClassFixture<RedisServerQueueFixture>;
