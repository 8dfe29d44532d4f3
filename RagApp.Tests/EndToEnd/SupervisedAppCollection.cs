namespace RagApp.Tests.EndToEnd;

[CollectionDefinition(Name)]
public sealed class SupervisedAppCollection : ICollectionFixture<SupervisedAppFixture>
{
    public const string Name = "Application whose services get killed";
}
