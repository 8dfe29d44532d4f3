namespace RagApp.Tests.Queue;

/// <summary>The move from the former key layout on Debian's redis-server; skipped, visibly, where it is not installed.</summary>
public sealed class RedisServerLegacyQueueKeyMigrationTests_RequiresRedisServer(RedisServerQueueFixture server)
    : LegacyQueueKeyMigrationTests(server), IClassFixture<RedisServerQueueFixture>;
