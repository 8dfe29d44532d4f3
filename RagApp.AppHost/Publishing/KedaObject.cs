using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace RagApp.AppHost.Publishing;

/// <summary>
/// A KEDA custom resource (ScaledObject, TriggerAuthentication). KubernetesClient has no typed model for custom resources,
/// so the spec is a plain map, serialized as written.
/// </summary>
public sealed class KedaObject : IKubernetesObject<V1ObjectMeta>
{
    public const string KedaApiVersion = "keda.sh/v1alpha1";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = KedaApiVersion;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public Dictionary<string, object> Spec { get; set; } = [];
}
