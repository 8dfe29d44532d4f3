using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RagApp.Core.Health;

/// <summary>Asks a gRPC server's standard health service (grpc.health.v1) whether it is serving.</summary>
public sealed class GrpcServiceHealthCheck(global::Grpc.Health.V1.Health.HealthClient client, TimeProvider timeProvider) : IHealthCheck
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var response = await client.CheckAsync(
                new HealthCheckRequest(),
                deadline: timeProvider.GetUtcNow().UtcDateTime.Add(Deadline),
                cancellationToken: cancellationToken);
            return response.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? HealthCheckResult.Healthy("serving")
                : HealthCheckResult.Unhealthy($"status {response.Status}");
        }
        catch (RpcException exception)
        {
            return HealthCheckResult.Unhealthy($"unreachable ({exception.StatusCode})", exception);
        }
    }
}
