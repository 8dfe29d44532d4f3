using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using RagApp.Gateway.Access;

namespace RagApp.Gateway.RateLimiting;

/// <summary>
/// Whose bucket a request draws on: its API key's (by fingerprint, <see cref="ApiKeyRing"/>), else its client address,
/// which is the proxy's unless the proxy is trusted (<see cref="ProxyOptions"/>) and <c>X-Forwarded-For</c> was applied.
/// </summary>
internal static class RateLimitPartitions
{
    public static string ClientOf(HttpContext context) =>
        context.User.FindFirst(ApiKeyDefaults.FingerprintClaim)?.Value is { } fingerprint
            ? $"key:{fingerprint}"
            : $"ip:{context.Connection.RemoteIpAddress}";

    public static RateLimitPartition<string> For(HttpContext context, string policy)
    {
        var services = context.RequestServices;
        var settings = services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        if (!settings.Enabled)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        var (permits, burst) = settings.For(policy switch
        {
            RateLimitPolicies.Queries => settings.Queries,
            RateLimitPolicies.Uploads => settings.Uploads,
            _ => null,
        });
        return RateLimitPartition.Get(ClientOf(context), client => new RedisBucketRateLimiter(
            services.GetRequiredService<RedisTokenBucket>(),
            RedisTokenBucket.KeyOf(policy, client),
            policy,
            permits,
            burst,
            services.GetRequiredService<RateLimitTelemetry>(),
            services.GetRequiredService<TimeProvider>()));
    }
}
