namespace RagApp.AppHost.Publishing;

/// <summary>A part of the application model the Kubernetes manifests cannot express; the publish-k8s step then writes nothing and fails.</summary>
public sealed class KubernetesPublishException(string message) : Exception(message);
