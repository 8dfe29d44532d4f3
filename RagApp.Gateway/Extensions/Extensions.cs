using System.Text.Json;
using RagApp.Core.Grpc;
using RagApp.Core.Health;
using RagApp.Core.Queue;
using RagApp.Core.Redis;
using RagApp.Gateway.Apis;
using RagApp.Gateway.Documents;

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

        builder.AddRagRedisClient();
        builder.Services.AddRagGrpcClients();

        builder.Services.AddIngestQueue();
        builder.Services.AddOptions<UploadOptions>()
            .BindConfiguration(UploadOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(form =>
        {
            // The upload limits of UploadOptions decide; the framework's defaults (128 MB) must not cut first.
            form.MultipartBodyLengthLimit = long.MaxValue;
        });
        builder.Services.AddSingleton<UploadReader>();
        builder.Services.AddSingleton<DocumentSubmitter>();

        builder.Services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis", tags: [HealthApi.DependencyTag])
            .AddCheck<GrpcServiceHealthCheck>("rag", tags: [HealthApi.DependencyTag])
            .AddCheck<IngestQueueHealthCheck>("ingest", tags: [HealthApi.DependencyTag]);
    }
}
