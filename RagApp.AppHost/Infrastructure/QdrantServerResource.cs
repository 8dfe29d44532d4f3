using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Infrastructure;

/// <summary>A Qdrant server in a container.</summary>
public sealed class QdrantServerResource(string name, ParameterResource apiKey) : ContainerResource(name), IResourceWithConnectionString
{
    public ParameterResource ApiKeyParameter { get; } = apiKey;

    public EndpointReference GrpcEndpoint => new(this, QdrantConnection.GrpcEndpointName);

    public ReferenceExpression ConnectionStringExpression => QdrantConnection.ConnectionString(GrpcEndpoint, ApiKeyParameter);
}
