namespace RagApp.Tests.Gateway;

/// <summary>The query tests share one gateway over one RagApp.Rag with the query corpus, and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class QueryGatewayCollection : ICollectionFixture<QueryGatewayFixture>
{
    public const string Name = "GatewayQueries";
}
