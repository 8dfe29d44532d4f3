using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Infrastructure;

/// <summary>A local <c>redis-server</c> process serving the "redis" resource.</summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public ParameterResource PasswordParameter { get; } = password;

    public EndpointReference PrimaryEndpoint => new(this, RedisConnection.EndpointName);

    public ReferenceExpression ConnectionStringExpression => RedisConnection.ConnectionString(PrimaryEndpoint, PasswordParameter);
}
