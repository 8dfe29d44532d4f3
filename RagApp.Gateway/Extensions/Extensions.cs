using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RagApp.Core.Grpc;
using RagApp.Core.Health;
using RagApp.Core.Queue;
using RagApp.Core.Redis;
using RagApp.Gateway.Access;
using RagApp.Gateway.Apis;
using RagApp.Gateway.Documents;
using RagApp.Gateway.Errors;
using RagApp.Gateway.OpenApi;
using RagApp.Gateway.Queries;
using RagApp.Gateway.Rag;
using RagApp.Gateway.RateLimiting;
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
        builder.Services.AddOptions<RagCallOptions>()
            .BindConfiguration(RagCallOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RagDeadlineInterceptor>();
        builder.Services.AddRagGrpcClients(configureClient: client => client.AddInterceptor(services => services.GetRequiredService<RagDeadlineInterceptor>()));

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

        builder.AddGatewayAccess();
        builder.Services.AddRequestTimeouts();
        builder.Services.AddOptions<Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutOptions>().Configure<Microsoft.Extensions.Options.IOptions<GatewayOptions>>((timeouts, gateway) =>
            timeouts.DefaultPolicy = new Microsoft.AspNetCore.Http.Timeouts.RequestTimeoutPolicy
            {
                Timeout = gateway.Value.RequestTimeout,
                TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
                WriteTimeoutResponse = context => Results.Problem(
                    "The gateway did not finish the request within its time (Gateway:RequestTimeout).",
                    statusCode: StatusCodes.Status504GatewayTimeout,
                    title: "The request took too long.").ExecuteAsync(context),
            });

        builder.Services.AddHealthChecks()
            .AddCheck<RedisHealthCheck>("redis", tags: [HealthApi.DependencyTag])
            .AddCheck<GrpcServiceHealthCheck>("rag", tags: [HealthApi.DependencyTag])
            .AddCheck<IngestQueueHealthCheck>("ingest", tags: [HealthApi.DependencyTag]);
    }

    /// <summary>
    /// API keys (<see cref="ApiKeyRing"/>), the rate limiter's policies (<see cref="RateLimitPartitions"/>) and the proxies
    /// whose <c>X-Forwarded-For</c> is believed (<see cref="ProxyOptions"/>).
    /// </summary>
    private static void AddGatewayAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AccessOptions>().BindConfiguration(AccessOptions.SectionName);
        builder.Services.AddSingleton<ApiKeyRing>();
        builder.Services.AddAuthentication(ApiKeyDefaults.Scheme)
            .AddScheme<ApiKeyAuthenticationOptions, ApiKeyAuthenticationHandler>(ApiKeyDefaults.Scheme, configureOptions: null);
        builder.Services.AddAuthorization();
        builder.Services.AddOptions<AuthorizationOptions>().Configure<ApiKeyRing>((authorization, ring) =>
            authorization.AddPolicy(ApiKeyDefaults.Policy, policy =>
            {
                policy.AddAuthenticationSchemes(ApiKeyDefaults.Scheme);
                if (ring.IsOpen)
                {
                    policy.RequireAssertion(_ => true);
                }
                else
                {
                    policy.RequireClaim(ApiKeyDefaults.FingerprintClaim);
                }
            }));

        builder.Services.AddOptions<RateLimitOptions>()
            .BindConfiguration(RateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<RedisTokenBucket>();
        builder.Services.AddSingleton<RateLimitTelemetry>();
        builder.Services.AddSingleton<RateLimitBuckets>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RateLimitRejection.WriteAsync;
            foreach (var policy in new[] { RateLimitPolicies.Api, RateLimitPolicies.Queries, RateLimitPolicies.Uploads })
            {
                limiter.AddPolicy(policy, context => RateLimitPartitions.For(context, policy));
            }
        });

        builder.Services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName);
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<Microsoft.Extensions.Options.IOptions<ProxyOptions>>((forwarded, proxies) =>
        {
            // None unless a proxy is configured: with its lists of known proxies empty, the middleware believes everyone.
            forwarded.ForwardedHeaders = proxies.Value.TrustedProxies.Length == 0
                ? ForwardedHeaders.None
                : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the configured proxies: the framework's default trusts loopback, which is every client of a local run.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // The obsolete list is still honoured, and holds the loopback default too.
            forwarded.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var proxy in proxies.Value.TrustedProxies)
            {
                forwarded.KnownIPNetworks.Add(proxy.Contains('/', StringComparison.Ordinal)
                    ? System.Net.IPNetwork.Parse(proxy)
                    : new System.Net.IPNetwork(IPAddress.Parse(proxy), IPAddress.Parse(proxy).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
        });
    }

    /// <summary>The gateway's middleware and endpoints, in order; used by Program and by in-process test hosts alike.</summary>
    public static WebApplication UseGateway(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        // Empty-bodied error answers (routing's 404/405, binding's 400) get problem details too.
        app.UseStatusCodePages();
        app.UseMiddleware<RequestTargetLimitMiddleware>();
        // Cache hits held in memory are answered here, before the per-request work of routing, authentication, the
        // limiter's middleware and authorization; everything else goes on below (CachedQueryMiddleware).
        app.UseMiddleware<CachedQueryMiddleware>();
        // Routing first, so that the limiter and authorization see each endpoint's policy. The limiter comes before
        // authorization: a request with a wrong key is counted against its address, so keys cannot be guessed at speed.
        app.UseRouting();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseRequestTimeouts();

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
