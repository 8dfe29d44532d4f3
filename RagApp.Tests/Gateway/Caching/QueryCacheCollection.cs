namespace RagApp.Tests.Gateway.Caching;

/// <summary>The query cache tests share one gateway over one RagApp.Rag and one Garnet, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class QueryCacheCollection : ICollectionFixture<QueryCacheFixture>
{
    public const string Name = "GatewayQueryCache";
}
