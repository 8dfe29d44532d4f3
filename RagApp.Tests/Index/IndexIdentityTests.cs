using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Rag.Index.Generation;

namespace RagApp.Tests.Index;

/// <summary>What the published index identity (the query cache's notion of "the same answers") depends on.</summary>
public sealed class IndexIdentityTests
{
    private static readonly IServiceProvider NoServices = new ServiceCollection().BuildServiceProvider();

    private static IConfiguration Settings(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(setting => KeyValuePair.Create(setting.Key, (string?)setting.Value))).Build();

    [Fact]
    public void AnotherBuild_IsAnotherIdentity_EvenWithTheSameSettingsAndLifetime()
    {
        var settings = Settings(("Rag:Retrieval:ProximityWeight", "0.1"));

        var before = IndexIdentity.Create(NoServices, settings, "shared-lifetime", "build-a");
        var again = IndexIdentity.Create(NoServices, settings, "shared-lifetime", "build-a");
        var upgraded = IndexIdentity.Create(NoServices, settings, "shared-lifetime", "build-b");

        Assert.Equal(before, again);
        Assert.NotEqual(before, upgraded);
        Assert.StartsWith("shared-lifetime.", upgraded, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRunningBuild_IsPartOfTheIdentity()
    {
        var settings = Settings();

        Assert.Equal(IndexIdentity.Create(NoServices, settings, "lifetime", IndexIdentity.Build), IndexIdentity.Create(NoServices, settings, "lifetime"));
        Assert.NotEqual(IndexIdentity.Create(NoServices, settings, "lifetime", ""), IndexIdentity.Create(NoServices, settings, "lifetime"));
    }

    [Fact]
    public void AnotherAnsweringSetting_IsAnotherIdentity_AndOtherSectionsAreNot()
    {
        var identity = IndexIdentity.Create(NoServices, Settings(("VectorStore:Keyword:Stemming", "English")), "lifetime", "build");

        Assert.NotEqual(identity, IndexIdentity.Create(NoServices, Settings(("VectorStore:Keyword:Stemming", "None")), "lifetime", "build"));
        Assert.Equal(identity, IndexIdentity.Create(
            NoServices, Settings(("VectorStore:Keyword:Stemming", "English"), ("Logging:LogLevel:Default", "Debug")), "lifetime", "build"));
    }
}
