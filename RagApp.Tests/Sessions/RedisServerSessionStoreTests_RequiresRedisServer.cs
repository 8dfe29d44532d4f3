using RagApp.Tests.Queue;

namespace RagApp.Tests.Sessions;

/// <summary>The session store on Debian's redis-server; skipped, visibly, where it is not installed.</summary>
public sealed class RedisServerSessionStoreTests_RequiresRedisServer(RedisServerQueueFixture server)
    : SessionStoreContractTests(server), IClassFixture<RedisServerQueueFixture>;
