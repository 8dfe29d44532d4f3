using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Publishing;

/// <summary>
/// The container port of every endpoint the cluster serves. An endpoint with a target port keeps it (Redis 6379, Qdrant
/// 6333/6334, RagApp.Rag's Kestrel endpoints from its appsettings.json); a project endpoint without one listens on
/// 8080, the port the .NET base image and ContainerPort in the project file expose. Services expose the same port, so a
/// URL is the same inside the pod and across the cluster.
/// </summary>
public sealed class ClusterPorts
{
    public const int DefaultHttpPort = 8080;

    private readonly Dictionary<(string Resource, string Endpoint), int> _ports = [];

    public ClusterPorts(IEnumerable<IResource> resources)
    {
        foreach (var resource in resources)
        {
            var next = DefaultHttpPort;
            foreach (var endpoint in Served(resource))
            {
                int port;
                if (endpoint.TargetPort is { } target)
                {
                    port = target;
                }
                else if (resource is ProjectResource)
                {
                    port = next++;
                }
                else
                {
                    throw new KubernetesPublishException($"The endpoint {resource.Name}/{endpoint.Name} has no target port.");
                }

                _ports[(resource.Name, endpoint.Name)] = port;
            }
        }
    }

    /// <summary>HTTPS endpoints are left out: inside the cluster the services talk plain HTTP/2 and HTTP/1.1; TLS ends at the Ingress.</summary>
    public static bool IsServed(EndpointAnnotation endpoint) => !string.Equals(endpoint.UriScheme, "https", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<EndpointAnnotation> Served(IResource resource) =>
        resource.Annotations.OfType<EndpointAnnotation>().Where(IsServed);

    public int PortOf(IResource resource, string endpointName) =>
        _ports.TryGetValue((resource.Name, endpointName), out var port)
            ? port
            : throw new KubernetesPublishException($"The endpoint {resource.Name}/{endpointName} has no port in the cluster.");
}
