namespace RagApp.Tests.EndToEnd;

/// <summary>The write path on the application whose Redis is Debian's redis-server; skipped, visibly, where it is not installed.</summary>
[Collection(RedisServerAppCollection.Name)]
public sealed class RedisServerIngestionTests_RequiresRedisServer(RedisServerAppFixture fixture) : IngestionTests<RedisServerAppFixture>(fixture);
