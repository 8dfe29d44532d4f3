using RagApp.Core.Embeddings;

namespace RagApp.Tests.Embeddings;

public sealed class EmbeddingConnectionStringTests
{
    private const string Secret = "sk-very-secret-123";

    [Fact]
    public void AzureOpenAI_ResourceEndpoint_BecomesItsV1Endpoint()
    {
        var connection = EmbeddingConnectionString.Parse($"Endpoint=https://contoso.openai.azure.com/;Key={Secret};Deployment=embed-small");

        Assert.True(connection.IsAzure);
        Assert.Equal(new Uri("https://contoso.openai.azure.com/openai/v1/"), connection.Endpoint);
        Assert.Equal("embed-small", connection.Model);
        Assert.Equal(Secret, connection.Key);
        Assert.Null(connection.Dimensions);
    }

    [Theory]
    [InlineData("https://contoso.openai.azure.com", "https://contoso.openai.azure.com/openai/v1/")]
    [InlineData("https://contoso.openai.azure.com/openai", "https://contoso.openai.azure.com/openai/v1/")]
    [InlineData("https://contoso.openai.azure.com/openai/v1", "https://contoso.openai.azure.com/openai/v1/")]
    [InlineData("https://contoso.cognitiveservices.azure.com/", "https://contoso.cognitiveservices.azure.com/openai/v1/")]
    [InlineData("http://127.0.0.1:5000/proxy", "http://127.0.0.1:5000/proxy/")]
    public void AzureEndpoints_AreNormalised(string endpoint, string expected)
    {
        var connection = EmbeddingConnectionString.Parse($"Endpoint={endpoint};Key=k;Deployment=d");

        Assert.Equal(new Uri(expected), connection.Endpoint);
    }

    [Fact]
    public void AzureHost_WithModel_IsAzure()
    {
        var connection = EmbeddingConnectionString.Parse("Endpoint=https://contoso.openai.azure.com/;Key=k;Model=text-embedding-3-small");

        Assert.True(connection.IsAzure);
        Assert.Equal("text-embedding-3-small", connection.Model);
    }

    [Fact]
    public void OpenAI_KeyAndModel_UseTheDefaultEndpoint()
    {
        var connection = EmbeddingConnectionString.Parse($"Key={Secret};Model=text-embedding-3-small;Dimensions=512");

        Assert.False(connection.IsAzure);
        Assert.Null(connection.Endpoint);
        Assert.Equal("text-embedding-3-small", connection.Model);
        Assert.Equal(512, connection.Dimensions);
    }

    [Fact]
    public void OpenAICompatibleEndpoint_IsKeptAsGiven()
    {
        var connection = EmbeddingConnectionString.Parse("endpoint=http://localhost:11434/v1;KEY=ollama;model=nomic-embed-text");

        Assert.False(connection.IsAzure);
        Assert.Equal(new Uri("http://localhost:11434/v1"), connection.Endpoint);
        Assert.Equal("nomic-embed-text", connection.Model);
    }

    [Theory]
    [InlineData("Model=text-embedding-3-small", "has no Key")]
    [InlineData("Key=;Model=m", "has no Key")]
    [InlineData("Key=" + Secret, "has no Model")]
    [InlineData("Endpoint=https://contoso.openai.azure.com/;Key=" + Secret, "has no Deployment")]
    [InlineData("Key=" + Secret + ";Deployment=d", "sets Deployment but no Endpoint")]
    [InlineData("Endpoint=https://x.openai.azure.com/;Key=" + Secret + ";Deployment=d;Model=m", "both Deployment and Model")]
    [InlineData("Endpoint=not a uri;Key=" + Secret + ";Model=m", "not an absolute http(s) URI")]
    [InlineData("Endpoint=ftp://x.example/;Key=" + Secret + ";Model=m", "not an absolute http(s) URI")]
    [InlineData("Endpoint=https://x.example/?key=" + Secret + ";Key=k;Model=m", "credentials or a query")]
    [InlineData("Key=" + Secret + ";Model=m;Dimensions=-5", "Dimensions that is not a positive integer")]
    [InlineData("Key=" + Secret + ";Model=m;Dimensions=lots", "Dimensions that is not a positive integer")]
    [InlineData("Key=" + Secret + ";Model=m;Modle=x", "unknown key 'Modle'")]
    [InlineData("Key=\"" + Secret + ";Model=m", "not a list of key=value pairs")]
    [InlineData(Secret, "not a list of key=value pairs")]
    public void BadStrings_NameTheProblem_WithoutTheKey(string connectionString, string problem)
    {
        var error = Assert.Throws<FormatException>(() => EmbeddingConnectionString.Parse(connectionString));

        Assert.Contains(problem, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("'embeddings' connection string", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_HidesTheKey()
    {
        var connection = EmbeddingConnectionString.Parse($"Endpoint=https://contoso.openai.azure.com/;Key={Secret};Deployment=d;Dimensions=256");

        var text = connection.ToString();

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("Deployment=d", text, StringComparison.Ordinal);
        Assert.Contains("Dimensions=256", text, StringComparison.Ordinal);
    }
}
