using k8s.Models;
using RagApp.AppHost.Publishing;
using RagApp.Tests.Index;

namespace RagApp.Tests.Publishing;

/// <summary>
/// Generating again refreshes the manifests but keeps the overlay's secret files, which hold the operator's real values
/// after the first run.
/// </summary>
public sealed class KubernetesManifestWriterTests
{
    [Fact(Timeout = 10_000)]
    public async Task Write_Again_RefreshesManifests_ButKeepsFilledSecretFiles()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        KubernetesManifestSet Set(string image) => new(
        [
            new("base/app-deployment.yaml", [new V1Deployment { ApiVersion = "apps/v1", Kind = "Deployment", Metadata = new() { Name = "app" }, Spec = new() { Template = new() { Spec = new() { Containers = [new() { Name = "app", Image = image }] } } } }]),
            new("overlays/production/secrets/api-keys", [], ParameterVariables.Placeholder) { KeepExisting = true },
        ]);
        var secretPath = Path.Combine(directory.Path, "overlays", "production", "secrets", "api-keys");
        var deploymentPath = Path.Combine(directory.Path, "base", "app-deployment.yaml");

        await KubernetesManifestWriter.WriteAsync(Set("app:1"), directory.Path, cancellationToken);
        Assert.Equal(ParameterVariables.Placeholder, await File.ReadAllTextAsync(secretPath, cancellationToken));
        await File.WriteAllTextAsync(secretPath, "the-operators-key", cancellationToken);
        await KubernetesManifestWriter.WriteAsync(Set("app:2"), directory.Path, cancellationToken);

        Assert.Equal("the-operators-key", await File.ReadAllTextAsync(secretPath, cancellationToken));
        Assert.Contains("image: app:2", await File.ReadAllTextAsync(deploymentPath, cancellationToken), StringComparison.Ordinal);
    }
}
