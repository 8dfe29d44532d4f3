using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using RagApp.Tests.Index;

namespace RagApp.Tests.AppHost;

/// <summary>
/// The AppHost's access parameters (built, not run): <c>api-keys</c> is a secret that is empty when unset in run mode and
/// has no default when publishing, <c>rate-limit-per-minute</c> is 100 unless set, and only the gateway receives them.
/// </summary>
public sealed class GatewayAccessParameterTests
{
    private const int Timeout = 60_000;

    [Fact(Timeout = Timeout)]
    public async Task Unset_InRunMode_KeysAreAnEmptySecret_AndTheLimitIs100_GivenToTheGatewayOnly()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        await using var builder = await CreateAsync(directory, [], cancellationToken);

        var keys = Assert.Single(builder.Resources.OfType<ParameterResource>(), parameter => parameter.Name == "api-keys");
        var limit = Assert.Single(builder.Resources.OfType<ParameterResource>(), parameter => parameter.Name == "rate-limit-per-minute");
        Assert.True(keys.Secret);
        Assert.Equal("", await keys.GetValueAsync(cancellationToken));
        Assert.Equal("100", await limit.GetValueAsync(cancellationToken));

        await using var app = await builder.BuildAsync(cancellationToken);
        var publish = new DistributedApplicationExecutionContext(new DistributedApplicationExecutionContextOptions(DistributedApplicationOperation.Publish) { Services = app.Services });
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            var configuration = await ExecutionConfigurationBuilder.Create(project)
                .WithEnvironmentVariablesConfig()
                .BuildAsync(publish, cancellationToken: cancellationToken);
            var environment = configuration.EnvironmentVariables.ToDictionary();
            if (project.Name == "gateway")
            {
                Assert.Equal("{api-keys.value}", environment["Gateway__Access__ApiKeys"]);
                Assert.Equal("{rate-limit-per-minute.value}", environment["Gateway__RateLimits__PermitsPerMinute"]);
            }
            else
            {
                Assert.DoesNotContain("Gateway__Access__ApiKeys", environment.Keys);
            }
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task Set_TheParametersCarryTheValues()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        await using var builder = await CreateAsync(directory, ["Parameters:api-keys=k1,k2", "Parameters:rate-limit-per-minute=250"], cancellationToken);

        var keys = Assert.Single(builder.Resources.OfType<ParameterResource>(), parameter => parameter.Name == "api-keys");
        var limit = Assert.Single(builder.Resources.OfType<ParameterResource>(), parameter => parameter.Name == "rate-limit-per-minute");

        Assert.Equal("k1,k2", await keys.GetValueAsync(cancellationToken));
        Assert.Equal("250", await limit.GetValueAsync(cancellationToken));
    }

    [Fact(Timeout = Timeout)]
    public async Task Publishing_TheKeysHaveNoDefault_SoADeploymentMustSetThem()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        await using var builder = await CreateAsync(directory, ["--operation", "publish", "--publisher", "manifest", "--output-path", directory.Path], cancellationToken);

        var keys = Assert.Single(builder.Resources.OfType<ParameterResource>(), parameter => parameter.Name == "api-keys");

        Assert.True(builder.ExecutionContext.IsPublishMode);
        Assert.True(keys.Secret);
        Assert.Null(keys.Default);
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
