using System.ComponentModel.DataAnnotations;

namespace RagApp.AppHost.Publishing;

/// <summary>
/// What the Kubernetes manifests need that the application model does not say (section "RagApp:Kubernetes",
/// docs/configuration.md). Read when the publish-k8s step runs; everything else comes from the model.
/// </summary>
public sealed class KubernetesPublishOptions
{
    public const string SectionName = "RagApp:Kubernetes";

    /// <summary>Prefix of the services' image names (e.g. <c>registry.example.com/ragapp</c>); empty: bare names, set by an overlay's <c>images:</c>.</summary>
    [RegularExpression("^$|^[a-z0-9][a-z0-9.:/_-]*[a-z0-9]$")]
    public string ImageRegistry { get; set; } = "";

    /// <summary>Tag of the services' images.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    public string ImageTag { get; set; } = "latest";

    /// <summary>
    /// The namespace the production overlay deploys into. KEDA's operator resolves the Redis address from its own
    /// namespace, so the scaler needs the fully qualified service name; the staging overlay uses "{Namespace}-staging".
    /// </summary>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$")]
    public string Namespace { get; set; } = "ragapp";

    /// <summary>Where the services send traces, metrics and logs (an OpenTelemetry collector in the cluster).</summary>
    [Required]
    [Url]
    public string OtlpEndpoint { get; set; } = "http://otel-collector:4317";

    /// <summary>The host name the gateway's Ingress answers.</summary>
    [Required]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string IngressHost { get; set; } = "ragapp.example.com";

    /// <summary>The Ingress class (e.g. nginx); empty: the cluster's default class.</summary>
    public string IngressClassName { get; set; } = "";

    /// <summary>Persistent volume size of each stateful container (Redis, Qdrant), by resource name; others get <see cref="DefaultStorageSize"/>.</summary>
    public Dictionary<string, string> StorageSizes { get; init; } = new(StringComparer.Ordinal)
    {
        ["redis"] = "8Gi",
        ["qdrant"] = "50Gi",
    };

    [Required]
    public string DefaultStorageSize { get; set; } = "10Gi";
}
