namespace RagApp.Tests.EndToEnd;

[CollectionDefinition(Name)]
public sealed class GarnetAppCollection : ICollectionFixture<GarnetAppFixture>
{
    public const string Name = "Application on embedded Garnet";
}
