namespace RagApp.Tests.Gateway;

/// <summary>The gateway tests share one gateway (and its Garnet and index), and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "Gateway";
}
