using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RagApp.Core.Grpc;
using RagApp.Core.Health;
using RagApp.Core.Queue;
using RagApp.Core.Redis;
using RagApp.Gateway.Apis;
using RagApp.Gateway.Documents;
using RagApp.Gateway.Errors;
using RagApp.Gateway.OpenApi;
using RagApp.Gateway.Queries;
using Scalar.AspNetCore;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

internal static class Extensions
{
    public static void AddGatewayServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayOptions>()
            .BindConfiguration(GatewayOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddProblemDetails();
        // Order matters: the first handler that recognises the exception answers.
        builder.Services.AddExceptionHandler<RedisUnavailableExceptionHandler>();
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        // Binding failures (a query parameter that is not a number) throw, so that BadRequestExceptionHandler can name
        // the parameter; otherwise they answer an empty 400 that says nothing of which one.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
            kestrel.Limits.MaxRequestLineSize = Math.Max(kestrel.Limits.MaxRequestLineSize, GatewayOptions.RequestLineLimit));

        builder.Services.AddGatewayOpenApi();
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            // The web default also reads numbers from strings, which the OpenAPI document then types as
            // ["integer", "string"]; the API only ever writes plain numbers.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        builder.Services.AddSingleton(TimeProvider.System);

        builder.AddRagRedisClient();
        builder.Services.PostConfigure<ConfigurationOptions>(redis =>
        {
            // While Redis is unreachable, fail commands at once (answered 503 + Retry-After) instead of holding them
            // until the command timeout: a client that waits seconds for an error retries no sooner, and the
            // requests pile up meanwhile. The connection keeps reconnecting in the background.
            redis.BacklogPolicy = BacklogPolicy.FailFast;
            redis.AbortOnConnectFail = false;
        });
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

        builder.Services.AddOptions<QueryOptions>()
            .BindConfiguration(QueryOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<QueryRequestReader>();
        builder.Services.AddSingleton<QueryTelemetry>();
        builder.Services.AddSingleton<QueryHandler>();
        builder.Services.AddQueryCache();

        builder.Services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis", tags: [HealthApi.DependencyTag])
            .AddCheck<GrpcServiceHealthCheck>("rag", tags: [HealthApi.DependencyTag])
            .AddCheck<IngestQueueHealthCheck>("ingest", tags: [HealthApi.DependencyTag]);
    }

    /// <summary>The gateway's middleware and endpoints, in order; used by Program and by in-process test hosts alike.</summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Empty-bodied error answers (routing's 404/405, binding's 400) get problem details too.
        app.UseStatusCodePages();
        app.UseMiddleware<RequestTargetLimitMiddleware>();

        app.MapDefaultEndpoints();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapHealthApi();
        app.MapDocumentsApi();
        app.MapJobsApi();
        app.MapQueryApi();
        app.MapCacheApi();
        return app;
    }
}
