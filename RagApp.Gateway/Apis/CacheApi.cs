using RagApp.Gateway.Access;
using RagApp.Gateway.Caching;
using RagApp.Gateway.RateLimiting;

namespace RagApp.Gateway.Apis;

/// <summary>Administration of the query cache (<c>/api/v1/cache</c>).</summary>
public static class CacheApi
{
    public const string FlushOperation = "FlushQueryCache";

    public static IEndpointRouteBuilder MapCacheApi(this IEndpointRouteBuilder app)
    {
        // Flushing reads and deletes in Redis: 503 (with Retry-After) while it cannot be reached.
        var api = app.MapGroup("/api/v1/cache").WithTags("Cache")
            .RequireAuthorization(ApiKeyDefaults.Policy)
            .RequireRateLimiting(RateLimitPolicies.Api)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapPost("/flush", FlushAsync)
            .WithName(FlushOperation)
            .WithSummary("Deletes every cached answer (only the cache's own keys); later questions are answered afresh.")
            .Produces<CacheFlushResponse>();

        return app;
    }

    private static async Task<CacheFlushResponse> FlushAsync(QueryCache cache, CancellationToken cancellationToken) =>
        new(await cache.FlushAsync(cancellationToken));
}
