using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RagApp.Rag.Answers;
using RagApp.Rag.Answers.Chat;
using RagApp.Rag.Sessions;
using RagApp.Tests.Embeddings;

namespace RagApp.Tests.Answers.Chat;

/// <summary>
/// What the "chat" connection string switches on: nothing without it; with it the chat answerer and rewriter, on
/// OpenAI clients bound to each route's deployment (built, never called: no hosted model can run here).
/// </summary>
[Collection(MiniLmCollection.Name)]
public sealed class ChatAnswererRegistrationTests(MiniLmFixture fixture)
{
    private const int Timeout = 30_000;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void WithoutAChatConnectionString_NothingIsRegistered(string? connectionString)
    {
        var builder = Builder(connectionString);
        var before = builder.Services.Count;

        builder.AddChatAnswerer();

        Assert.Equal(before, builder.Services.Count);
    }

    [Fact(Timeout = Timeout)]
    public async Task WithoutAChatConnectionString_TheExtractiveAnswererAnswers()
    {
        var builder = Builder(null);
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(fixture.Generator);
        builder.AddAnswers();
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.IsType<ExtractiveAnswerer>(host.Services.GetRequiredService<IAnswerer>());
        Assert.Null(host.Services.GetService<IFollowUpRewriter>());
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = Timeout)]
    public async Task WithAChatConnectionString_TheChatAnswererWins_OnClientsBoundToEachRoutesDeployment()
    {
        var builder = Builder("Endpoint=https://contoso.openai.azure.com/;Key=k;Deployment=gpt-4o-mini;StrongDeployment=gpt-4o");
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(fixture.Generator);
        builder.AddAnswers();
        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken);

        Assert.IsType<ChatAnswerer>(host.Services.GetRequiredService<IAnswerer>());
        Assert.IsType<ChatFollowUpRewriter>(host.Services.GetRequiredService<IFollowUpRewriter>());
        var deployments = host.Services.GetRequiredService<ChatDeployments>();
        Assert.Equal(("gpt-4o-mini", "gpt-4o"), (deployments.Fast.Name, deployments.Strong.Name));
        foreach (var deployment in new[] { deployments.Fast, deployments.Strong })
        {
            var metadata = deployment.Client.GetService<ChatClientMetadata>();
            Assert.NotNull(metadata);
            Assert.Equal(deployment.Name, metadata.DefaultModelId);
            Assert.Equal(new Uri("https://contoso.openai.azure.com/openai/v1/"), metadata.ProviderUri);
        }

        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Settings_OverrideTheConnectionStringsDeployments()
    {
        var builder = Builder("Key=k;Model=gpt-4.1-mini", new()
        {
            ["Rag:Chat:FastModel"] = "gpt-4.1-nano",
            ["Rag:Chat:StrongModel"] = "gpt-4.1",
        });
        builder.AddChatAnswerer();
        using var host = builder.Build();

        var deployments = host.Services.GetRequiredService<ChatDeployments>();

        Assert.Equal(("gpt-4.1-nano", "gpt-4.1"), (deployments.Fast.Name, deployments.Strong.Name));
        Assert.Equal("gpt-4.1", deployments.Strong.Client.GetService<ChatClientMetadata>()?.DefaultModelId);
    }

    [Theory(Timeout = Timeout)]
    [InlineData("Rag:Chat:FirstTokenTimeout", "00:00:30")]
    [InlineData("Rag:Chat:Timeout", "00:00:00")]
    [InlineData("Rag:Chat:WeakTopScore", "1.5")]
    [InlineData("Rag:Chat:SpreadDocuments", "1")]
    public async Task BadSettings_StopStartUp(string key, string value)
    {
        var builder = Builder("Key=k;Model=m", new() { [key] = value });
        builder.AddChatAnswerer();
        using var host = builder.Build();

        await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void BadConnectionString_StopsStartUp()
    {
        var builder = Builder("Endpoint=https://contoso.openai.azure.com/;Key=k");

        var error = Assert.Throws<FormatException>(() => builder.AddChatAnswerer());

        Assert.Contains("has no Deployment", error.Message, StringComparison.Ordinal);
    }

    private static HostApplicationBuilder Builder(string? connectionString, Dictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:chat"] = connectionString });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        return builder;
    }
}
