using RagApp.Core.AI;
using RagApp.Rag.Answers.Chat;

namespace RagApp.Tests.Answers.Chat;

/// <summary>The "chat" connection string: the shared model connection string keys plus the routes' deployments.</summary>
public sealed class ChatConnectionStringTests
{
    private const string Secret = "sk-very-secret-456";

    [Fact]
    public void AzureOpenAI_OneDeployment_ServesBothRoutes()
    {
        var chat = ChatConnectionString.Parse($"Endpoint=https://contoso.openai.azure.com/;Key={Secret};Deployment=gpt-4o-mini");

        Assert.Equal(ModelProvider.AzureOpenAI, chat.Connection.Provider);
        Assert.Equal(new Uri("https://contoso.openai.azure.com/openai/v1/"), chat.Connection.Endpoint);
        Assert.Equal(Secret, chat.Connection.Key);
        Assert.Equal(("gpt-4o-mini", "gpt-4o-mini"), (chat.FastDeployment, chat.StrongDeployment));
    }

    [Theory]
    [InlineData("Key=k;Model=m;FastDeployment=f;StrongDeployment=s", "f", "s")]
    [InlineData("Key=k;Model=m;StrongDeployment=s", "m", "s")]
    [InlineData("Key=k;FastDeployment=f;StrongDeployment=s", "f", "s")]
    [InlineData("Key=k;FastDeployment=f", "f", "f")]
    [InlineData("Endpoint=https://x.openai.azure.com;Key=k;StrongDeployment=s", "s", "s")]
    public void RouteDeployments_DefaultToTheDeployment_OrToEachOther(string connectionString, string fast, string strong)
    {
        var chat = ChatConnectionString.Parse(connectionString);

        Assert.Equal((fast, strong), (chat.FastDeployment, chat.StrongDeployment));
    }

    [Fact]
    public void OpenAI_KeyAndModel_UsesTheDefaultEndpoint()
    {
        var chat = ChatConnectionString.Parse($"Key={Secret};Model=gpt-4.1-mini");

        Assert.Equal(ModelProvider.OpenAI, chat.Connection.Provider);
        Assert.Null(chat.Connection.Endpoint);
        Assert.Equal("gpt-4.1-mini", chat.FastDeployment);
    }

    [Theory]
    // As Aspire's Ollama integration writes it: the server's root and the model, no key.
    [InlineData("Endpoint=http://localhost:11434;Model=llama3.2", "http://localhost:11434/v1/", ModelConnectionString.KeylessPlaceholder)]
    [InlineData("Endpoint=http://ollama:11434/;Model=llama3.2", "http://ollama:11434/v1/", ModelConnectionString.KeylessPlaceholder)]
    [InlineData("Provider=Ollama;Endpoint=http://localhost:11434/v1;Key=k;Model=llama3.2", "http://localhost:11434/v1/", "k")]
    [InlineData("provider=ollama;endpoint=https://gpu.example:8443;model=llama3.2", "https://gpu.example:8443/v1/", ModelConnectionString.KeylessPlaceholder)]
    public void Ollama_GoesThroughItsOpenAICompatibleEndpoint(string connectionString, string endpoint, string key)
    {
        var chat = ChatConnectionString.Parse(connectionString);

        Assert.Equal(ModelProvider.Ollama, chat.Connection.Provider);
        Assert.Equal(new Uri(endpoint), chat.Connection.Endpoint);
        Assert.Equal(key, chat.Connection.Key);
        Assert.Equal("llama3.2", chat.FastDeployment);
    }

    [Fact]
    public void ExplicitProvider_OpenAI_WithACompatibleEndpoint_KeepsItAsGiven()
    {
        var chat = ChatConnectionString.Parse("Provider=OpenAI;Endpoint=http://127.0.0.1:8000/v1;Key=k;Model=m");

        Assert.Equal(ModelProvider.OpenAI, chat.Connection.Provider);
        Assert.Equal(new Uri("http://127.0.0.1:8000/v1"), chat.Connection.Endpoint);
    }

    [Theory]
    [InlineData("Key=" + Secret, "has no Model")]
    [InlineData("Endpoint=https://contoso.openai.azure.com/;Key=" + Secret, "has no Deployment")]
    [InlineData("Model=m", "has no Key")]
    [InlineData("Provider=Ollama;Model=m", "names Ollama but has no Endpoint")]
    [InlineData("Provider=AzureOpenAI;Key=" + Secret + ";Model=m", "names AzureOpenAI but has no Endpoint")]
    [InlineData("Provider=Bedrock;Key=" + Secret + ";Model=m", "unknown Provider 'Bedrock'")]
    [InlineData("Key=" + Secret + ";Model=m;Dimensions=3", "unknown key 'Dimensions'")]
    [InlineData("Key=" + Secret + ";Deployment=d", "sets Deployment but no Endpoint")]
    [InlineData("Endpoint=https://x.example/?key=" + Secret + ";Key=k;Model=m", "credentials or a query")]
    [InlineData(Secret, "not a list of key=value pairs")]
    public void BadStrings_NameTheProblem_WithoutTheKey(string connectionString, string problem)
    {
        var error = Assert.Throws<FormatException>(() => ChatConnectionString.Parse(connectionString));

        Assert.Contains(problem, error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("'chat' connection string", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToString_HidesTheKey()
    {
        var text = ChatConnectionString.Parse($"Endpoint=https://contoso.openai.azure.com/;Key={Secret};Deployment=d;StrongDeployment=s").ToString();

        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.Contains("FastDeployment=d", text, StringComparison.Ordinal);
        Assert.Contains("StrongDeployment=s", text, StringComparison.Ordinal);
    }
}
