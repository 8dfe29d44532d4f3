using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Infrastructure;

/// <summary>The embedded Garnet server (project RagApp.Garnet) serving the "redis" resource.</summary>
public sealed class GarnetResource(string name, ParameterResource password) : ProjectResource(name), IResourceWithConnectionString
{
    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, RedisConnection.EndpointName);

    public ReferenceExpression ConnectionStringExpression => RedisConnection.ConnectionString(PrimaryEndpoint, PasswordParameter);
}
