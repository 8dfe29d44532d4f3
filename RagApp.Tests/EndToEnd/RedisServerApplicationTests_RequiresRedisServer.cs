namespace RagApp.Tests.EndToEnd;

/// <summary>The foundation checks against Debian's redis-server; skipped, visibly, where it is not installed.</summary>
[Collection(RedisServerAppCollection.Name)]
public sealed class RedisServerApplicationTests_RequiresRedisServer(RedisServerAppFixture fixture)
    : ApplicationHealthTests<RedisServerAppFixture>(fixture);
