using RagApp.Core.Grpc;
using RagApp.Core.Health;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddIngestServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddRedisClient("redis", settings => settings.DisableHealthChecks = true);
        builder.Services.AddRagGrpcClients();

        builder.Services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis")
            .AddCheck<GrpcServiceHealthCheck>("rag");
    }
}
