using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RagApp.AppHost.Publishing;
using RagApp.Tests.Index;

namespace RagApp.Tests.Publishing;

/// <summary>
/// Publishing never deploys a local stand-in: even when the configuration forces embedded Garnet and the embedded index,
/// the AppHost in publish mode runs Redis and Qdrant as containers, and the generator refuses a model that holds a
/// stand-in instead of writing manifests for it. A step that cannot write a complete set fails the process.
/// </summary>
public sealed class PublishModeInfrastructureTests
{
    private const int Timeout = 60_000;

    private static readonly Dictionary<string, string> ForcedLocal = new()
    {
        ["RagApp__InfrastructureMode"] = "Local",
        ["RagApp__LocalRedis"] = "Garnet",
        ["RagApp__LocalVectorStore"] = "Embedded",
    };

    [Fact(Timeout = Timeout)]
    public async Task PublishMode_WithStandInsForced_StillDeploysRedisAndQdrantContainers()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();

        var run = await AppHostPublishRun.RunAsync(
            ["--operation", "publish", "--step", KubernetesPublishingExtensions.StepName, "--output-path", directory.Path],
            ForcedLocal, cancellationToken);

        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("redis = Container, vector store = QdrantContainer", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(directory.Path, "base", "redis-statefulset.yaml")));
        Assert.True(File.Exists(Path.Combine(directory.Path, "base", "qdrant-statefulset.yaml")));
        var rag = await File.ReadAllTextAsync(Path.Combine(directory.Path, "base", "rag-deployment.yaml"), cancellationToken);
        Assert.Contains("value: Qdrant", rag, StringComparison.Ordinal);
        Assert.DoesNotContain("Embedded", rag, StringComparison.Ordinal);
        Assert.DoesNotContain("garnet", string.Join(' ', Directory.EnumerateFiles(directory.Path, "*", SearchOption.AllDirectories)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact(Timeout = Timeout)]
    public void Planner_InPublishMode_WithStandInsForced_ChoosesContainers()
    {
        _ = TestContext.Current.CancellationToken;
        var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions
        {
            Args = ["--operation", "publish", .. ForcedLocal.Select(setting => $"{setting.Key.Replace("__", ":", StringComparison.Ordinal)}={setting.Value}")],
        });
        Assert.True(builder.ExecutionContext.IsPublishMode);
        Assert.Equal("Local", builder.Configuration["RagApp:InfrastructureMode"]);

        var plan = RagApp.AppHost.Infrastructure.InfrastructurePlanner.Plan(builder);

        Assert.Equal(RagApp.AppHost.Infrastructure.RedisProvider.Container, plan.Redis);
        Assert.Equal(RagApp.AppHost.Infrastructure.VectorStoreProvider.QdrantContainer, plan.VectorStore);
    }

    [Fact(Timeout = Timeout)]
    public async Task Generator_ModelWithEmbeddedGarnet_IsRefused()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        // A run-mode model with the stand-ins, built but never started.
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagApp_AppHost>(
            [
                "RagApp:InfrastructureMode=Local",
                "RagApp:LocalRedis=Garnet",
                "RagApp:LocalVectorStore=Embedded",
                $"RagApp:DataDirectory={directory.Path}",
                "Parameters:redis-password=test-password",
            ],
            cancellationToken);
        await using var app = await builder.BuildAsync(cancellationToken);
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var publish = new DistributedApplicationExecutionContext(
            new DistributedApplicationExecutionContextOptions(DistributedApplicationOperation.Publish) { Services = app.Services });

        var generator = new KubernetesManifestGenerator(model, publish, new KubernetesPublishOptions(), NullLogger.Instance);
        var exception = await Assert.ThrowsAsync<KubernetesPublishException>(() => generator.GenerateAsync(cancellationToken));

        Assert.Contains("redis", exception.Message, StringComparison.Ordinal);
        Assert.Contains("stand-in", exception.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = Timeout)]
    public async Task Step_InvalidSettings_ExitsNonZero_AndWritesNothing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        var output = Path.Combine(directory.Path, "k8s");

        var run = await AppHostPublishRun.RunAsync(
            ["--operation", "publish", "--step", KubernetesPublishingExtensions.StepName, "--output-path", output],
            new Dictionary<string, string> { ["RagApp__Kubernetes__ImageTag"] = "not a tag!" },
            cancellationToken);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("RagApp:Kubernetes", run.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any());
    }
}
