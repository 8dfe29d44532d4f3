using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Infrastructure;

/// <summary>The connection string shape shared by every Qdrant resource: <c>Endpoint=http://host:grpcPort;Key=apiKey</c>.</summary>
internal static class QdrantConnection
{
    public const string GrpcEndpointName = "grpc";
    public const string HttpEndpointName = "http";

    public static ReferenceExpression ConnectionString(EndpointReference grpcEndpoint, ParameterResource apiKey) =>
        ReferenceExpression.Create($"Endpoint={grpcEndpoint.Property(EndpointProperty.Url)};Key={apiKey}");
}
