namespace RagApp.AppHost.Publishing;

/// <summary>A value refers to an endpoint the cluster does not serve (HTTPS inside the cluster); the variable is left out.</summary>
public sealed class UnsupportedEndpointException(string resourceName, string endpointName)
    : Exception($"The endpoint {resourceName}/{endpointName} is not served in the cluster (TLS ends at the Ingress).");
