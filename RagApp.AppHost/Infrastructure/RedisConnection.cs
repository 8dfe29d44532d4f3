using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Infrastructure;

/// <summary>The connection string shape shared by every local Redis-compatible server (StackExchange.Redis format).</summary>
internal static class RedisConnection
{
    public const string EndpointName = "tcp";

    public static ReferenceExpression ConnectionString(EndpointReference endpoint, ParameterResource password) =>
        ReferenceExpression.Create($"{endpoint.Property(EndpointProperty.HostAndPort)},password={password}");
}
