namespace RagApp.Tests.Queue;

/// <summary>The queue's model-based tests on Debian's redis-server; skipped, visibly, where it is not installed.</summary>
public sealed class RedisServerIngestQueueModelTests_RequiresRedisServer(RedisServerQueueFixture server)
    : IngestQueueModelTests(server), IClassFixture<RedisServerQueueFixture>;
