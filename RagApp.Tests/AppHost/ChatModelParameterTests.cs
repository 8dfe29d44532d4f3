using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using RagApp.Tests.Index;

namespace RagApp.Tests.AppHost;

/// <summary>
/// The AppHost's application model (built, not run): the optional "chat" connection string is a secret parameter
/// that resolves to empty when unset, so nothing waits for a value, and only RagApp.Rag receives it.
/// </summary>
public sealed class ChatModelParameterTests
{
    private const int Timeout = 60_000;

    [Fact(Timeout = Timeout)]
    public async Task ChatConnectionString_Unset_IsAnEmptySecretParameter_GivenToRagOnly()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        await using var builder = await CreateAsync(directory, [], cancellationToken);

        var chat = Assert.Single(builder.Resources.OfType<ParameterResource>(), parameter => parameter.Name == "chat");
        Assert.True(chat.Secret);
        Assert.Equal("", await chat.GetValueAsync(cancellationToken));
        // Built, never started: only its services are wanted, to render the environment.
        await using var app = await builder.BuildAsync(cancellationToken);
        var publish = new DistributedApplicationExecutionContext(new DistributedApplicationExecutionContextOptions(DistributedApplicationOperation.Publish) { Services = app.Services });
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // Publish mode renders a parameter as its manifest expression instead of resolving every value.
            var configuration = await ExecutionConfigurationBuilder.Create(project)
                .WithEnvironmentVariablesConfig()
                .BuildAsync(publish, cancellationToken: cancellationToken);
            var environment = configuration.EnvironmentVariables.ToDictionary();
            if (project.Name == "rag")
            {
                Assert.Equal("{chat.value}", environment["ConnectionStrings__chat"]);
            }
            else
            {
                Assert.DoesNotContain("ConnectionStrings__chat", environment.Keys);
            }
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task ChatConnectionString_Set_IsTheParametersValue()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        await using var builder = await CreateAsync(directory, ["ConnectionStrings:chat=Endpoint=http://localhost:11434;Model=llama3.2"], cancellationToken);

        var chat = Assert.Single(builder.Resources.OfType<ParameterResource>(), parameter => parameter.Name == "chat");

        Assert.Equal("Endpoint=http://localhost:11434;Model=llama3.2", await chat.GetValueAsync(cancellationToken));
    }

    private static Task<IDistributedApplicationTestingBuilder> CreateAsync(TestDirectory directory, string[] arguments, CancellationToken cancellationToken) =>
        DistributedApplicationTestingBuilder.CreateAsync<Projects.RagApp_AppHost>(
            [
                "RagApp:InfrastructureMode=Local",
                "RagApp:LocalRedis=Garnet",
                "RagApp:LocalVectorStore=Embedded",
                $"RagApp:DataDirectory={directory.Path}",
                "Parameters:redis-password=test-password",
                .. arguments,
            ],
            cancellationToken);
}
