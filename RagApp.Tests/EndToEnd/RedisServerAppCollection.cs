namespace RagApp.Tests.EndToEnd;

[CollectionDefinition(Name)]
public sealed class RedisServerAppCollection : ICollectionFixture<RedisServerAppFixture>
{
    public const string Name = "Application on redis-server";
}
