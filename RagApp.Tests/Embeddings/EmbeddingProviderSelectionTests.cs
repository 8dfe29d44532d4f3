using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using RagApp.Core.Embeddings;

namespace RagApp.Tests.Embeddings;

public sealed class EmbeddingProviderSelectionTests
{
    private const string Secret = "sk-fake-test-key";

    [Fact]
    public async Task OpenAI_Fake_SendsModelKeyAndInputs_AndMapsEmbeddingsInOrder()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var server = await FakeOpenAIEmbeddingsServer.StartAsync(cancellationToken);
        var endpoint = new Uri(server.BaseAddress, "v1");
        using var host = BuildHost($"Endpoint={endpoint};Key={Secret};Model=text-embedding-3-small");
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        string[] inputs = ["first", "the second input", "3"];

        var embeddings = await generator.GenerateAsync(inputs, cancellationToken: cancellationToken);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/embeddings", request.Path);
        Assert.Equal($"Bearer {Secret}", request.Authorization);
        Assert.Equal("text-embedding-3-small", request.Body["model"]!.GetValue<string>());
        Assert.Equal(inputs, request.Inputs);
        Assert.Null(request.Body["dimensions"]);
        Assert.Equal(inputs.Length, embeddings.Count);
        for (var i = 0; i < inputs.Length; i++)
        {
            VectorAssert.Equal(FakeOpenAIEmbeddingsServer.VectorFor(i, inputs[i], 3), embeddings[i].Vector.Span, 0f);
        }
    }

    [Fact]
    public async Task AzureOpenAI_Fake_PostsToTheV1PathWithTheDeploymentAsModel_AndDimensions()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var server = await FakeOpenAIEmbeddingsServer.StartAsync(cancellationToken);
        using var host = BuildHost($"Endpoint={server.BaseAddress};Key={Secret};Deployment=my-embeddings;Dimensions=8");
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();

        var embeddings = await generator.GenerateAsync(["alpha", "beta"], cancellationToken: cancellationToken);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/openai/v1/embeddings", request.Path);
        Assert.Equal($"Bearer {Secret}", request.Authorization);
        Assert.Equal("my-embeddings", request.Body["model"]!.GetValue<string>());
        Assert.Equal(8, request.Body["dimensions"]!.GetValue<int>());
        Assert.Equal(["alpha", "beta"], request.Inputs);
        VectorAssert.Equal(FakeOpenAIEmbeddingsServer.VectorFor(1, "beta", 8), embeddings[1].Vector.Span, 0f);
    }

    [Fact]
    public void BadConnectionString_FailsRegistration_WithoutTheKey()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:embeddings"] = $"Key={Secret}" });

        var error = Assert.Throws<FormatException>(builder.AddRagEmbeddingGenerator);

        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidLocalOptions_FailStartUp()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Embeddings:Local:MaxBatchSize"] = "0" });
        builder.AddRagEmbeddingGenerator();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(nameof(LocalEmbeddingOptions.MaxBatchSize), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutConnectionString_TheLocalModelIsUsed_WithItsOptions()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Embeddings:Local:MaxBatchSize"] = "4" });
        builder.AddRagEmbeddingGenerator();
        using var host = builder.Build();

        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var vector = await generator.GenerateVectorAsync("hello", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("ragapp-local", generator.GetService<EmbeddingGeneratorMetadata>()?.ProviderName);
        Assert.NotNull(generator.GetService<MiniLmEmbeddingGenerator>());
        Assert.Equal(4, host.Services.GetRequiredService<IOptions<LocalEmbeddingOptions>>().Value.MaxBatchSize);
        Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, vector.Length);
    }

    private static IHost BuildHost(string connectionString)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:embeddings"] = connectionString });
        builder.AddRagEmbeddingGenerator();
        return builder.Build();
    }
}
