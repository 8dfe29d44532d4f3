using System.Buffers;
using Microsoft.Extensions.Options;
using RagApp.Gateway.Access;
using RagApp.Gateway.Apis;
using RagApp.Gateway.Caching;
using RagApp.Gateway.RateLimiting;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Queries;

/// <summary>
/// Answers <c>POST /api/v1/query</c> from the answers this gateway holds in memory before routing, authentication,
/// rate-limiting and authorization middleware run: their work per request cost more than the hit itself. It checks
/// what they would, by the same code: the API key (<see cref="ApiKeyRing"/>), the body (<see cref="QueryRequestReader"/>),
/// the local copy (<see cref="QueryCache.TryGetHeld"/>) and a token of the client's local lease
/// (<see cref="RateLimitBuckets"/>, the very limiter the middleware uses). Whatever it cannot answer as the endpoint
/// would, it passes on untouched (the body left unread for the endpoint): no or a wrong key (401, counted by address),
/// a body that is not valid (the endpoint's problem details), a question not held here (Redis, then RagApp.Rag), an
/// empty lease (the limiter waits for Redis or answers 429), a stream, anything with a query string or another
/// content type. The endpoint is set on the request, so that the request's metrics and span carry its route.
/// </summary>
internal sealed class CachedQueryMiddleware(
    RequestDelegate next,
    ApiKeyRing ring,
    QueryRequestReader reader,
    QueryCache cache,
    QueryHandler handler,
    RateLimitBuckets buckets,
    EndpointDataSource endpoints,
    IOptions<QueryOptions> queryOptions,
    IOptionsMonitor<QueryCacheOptions> cacheOptions,
    IOptions<RateLimitOptions> rateLimits,
    TimeProvider timeProvider)
{
    private const string Path = "/api/v1/query";

    private Endpoint? _endpoint;
    private bool _endpointSought;

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        return Applies(request) && QueryEndpoint() is { } endpoint
            ? TryAnswerAsync(context, endpoint)
            : next(context);
    }

    private bool Applies(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && request.Path.Value is { } path && path.Equals(Path, StringComparison.OrdinalIgnoreCase)
        && !request.QueryString.HasValue
        && request.PathBase.Value is null or ""
        && request.ContentLength is > 0 and var length && length <= queryOptions.Value.MaxRequestBytes
        && IsPlainJson(request.ContentType)
        && cacheOptions.CurrentValue is { HitFastPath: true, Enabled: true };

    /// <summary>UTF-8 JSON as clients send it; other spellings and charsets take the endpoint's reader.</summary>
    private static bool IsPlainJson(string? contentType) =>
        contentType is not null
        && (contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || contentType.Equals("application/json; charset=utf-8", StringComparison.OrdinalIgnoreCase));

    private async Task TryAnswerAsync(HttpContext context, Endpoint endpoint)
    {
        var started = timeProvider.GetTimestamp();
        var startedAt = timeProvider.GetUtcNow();
        var request = context.Request;
        string? fingerprint = null;
        if (!ring.IsOpen && (ApiKeyAuthenticationHandler.PresentedKey(request) is not { } presented || (fingerprint = ring.Identify(context, presented)) is null))
        {
            // The endpoint's authentication answers 401 (or the limiter 429 by address), and logs the refusal.
            await next(context);
            return;
        }

        var length = (int)request.ContentLength!.Value;
        var body = request.BodyReader;
        var read = await body.ReadAtLeastAsync(length, context.RequestAborted);
        var buffer = read.Buffer;
        Rpc.QueryRequest? question;
        if (buffer.Length != length)
        {
            question = null;
        }
        else if (buffer.IsSingleSegment)
        {
            reader.TryRead(buffer.FirstSpan, out question);
        }
        else
        {
            var copy = ArrayPool<byte>.Shared.Rent(length);
            buffer.CopyTo(copy);
            reader.TryRead(copy.AsSpan(0, length), out question);
            ArrayPool<byte>.Shared.Return(copy);
        }

        if (question is null || !cache.TryGetHeld(question, out var hit) || !TrySpendToken(context, fingerprint))
        {
            // Nothing consumed: the endpoint reads the same bytes from the start.
            body.AdvanceTo(buffer.Start);
            await next(context);
            return;
        }

        body.AdvanceTo(buffer.End);
        context.SetEndpoint(endpoint);
        await handler.AnswerHeldAsync(context, question, hit, started, startedAt);
    }

    /// <summary>A token of the client's local lease, never a wait: an empty lease is the limiter middleware's to refill.</summary>
    private bool TrySpendToken(HttpContext context, string? fingerprint)
    {
        var settings = rateLimits.Value;
        if (!settings.Enabled)
        {
            return true;
        }

        var client = fingerprint is null ? RateLimitPartitions.AddressClient(context) : RateLimitPartitions.KeyClient(fingerprint);
        var (permits, burst) = RateLimitPartitions.LimitOf(settings, RateLimitPolicies.Queries);
        using var lease = buckets.For(RateLimitPolicies.Queries, client, permits, burst).AttemptAcquire(1);
        return lease.IsAcquired;
    }

    /// <summary>The endpoint of <c>POST /api/v1/query</c>, found once endpoints are built; none (never in practice) turns this off.</summary>
    private Endpoint? QueryEndpoint()
    {
        if (!Volatile.Read(ref _endpointSought))
        {
            _endpoint = endpoints.Endpoints.FirstOrDefault(endpoint =>
                endpoint.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName == QueryApi.QueryOperation);
            Volatile.Write(ref _endpointSought, true);
        }

        return _endpoint;
    }
}
