namespace RagApp.AppHost.Publishing;

/// <summary>One file of the output: Kubernetes objects (one YAML document each) or, for kustomize inputs, plain text.</summary>
public sealed record KubernetesManifestFile(string RelativePath, IReadOnlyList<object> Documents, string? Text = null)
{
    /// <summary>Whether an existing file is kept: the overlay's secret files hold the operator's real values after the first run.</summary>
    public bool KeepExisting { get; init; }
}
