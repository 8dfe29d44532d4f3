namespace RagApp.AppHost.Publishing;

/// <summary>The complete output of the publish-k8s step, built in memory before anything is written.</summary>
public sealed record KubernetesManifestSet(IReadOnlyList<KubernetesManifestFile> Files)
{
    /// <summary>The files of the base (the ones <c>kustomization.yaml</c> lists).</summary>
    public IEnumerable<KubernetesManifestFile> BaseResources =>
        Files.Where(file => file.RelativePath.StartsWith(KustomizeFiles.BaseDirectory + "/", StringComparison.Ordinal) && file.Text is null);
}
