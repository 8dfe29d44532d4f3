using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Infrastructure;

/// <summary>A local <c>qdrant</c> binary.</summary>
public sealed class QdrantExecutableResource(string name, string command, string workingDirectory, ParameterResource apiKey)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ParameterResource ApiKeyParameter { get; } = apiKey;

    public EndpointReference GrpcEndpoint => new(this, QdrantConnection.GrpcEndpointName);

    public EndpointReference HttpEndpoint => new(this, QdrantConnection.HttpEndpointName);

    public ReferenceExpression ConnectionStringExpression => QdrantConnection.ConnectionString(GrpcEndpoint, ApiKeyParameter);
}
