using System.Text.Json;
using RagApp.Core.Grpc;
using RagApp.Core.Health;
using RagApp.Gateway.Apis;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddSingleton(TimeProvider.System);

        // Health of the Redis connection is reported by our own "redis" check below, under a stable name.
        builder.AddRedisClient("redis", settings => settings.DisableHealthChecks = true);
        builder.Services.AddRagGrpcClients();

        builder.Services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis", tags: [HealthApi.DependencyTag])
            .AddCheck<GrpcServiceHealthCheck>("rag", tags: [HealthApi.DependencyTag]);
    }
}
