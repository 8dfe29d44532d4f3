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
            ? KeyClient(fingerprint)
            : AddressClient(context);

    /// <summary>The client named by its API key's fingerprint.</summary>
    public static string KeyClient(string fingerprint) => $"key:{fingerprint}";

    /// <summary>The client named by its address (after <c>X-Forwarded-For</c>, when that was applied).</summary>
    public static string AddressClient(HttpContext context) => $"ip:{context.Connection.RemoteIpAddress}";

    /// <summary>A policy's limit: its own section's values, else the section's.</summary>
    public static (int PermitsPerMinute, int Burst) LimitOf(RateLimitOptions settings, string policy) => settings.For(policy switch
    {
        RateLimitPolicies.Queries => settings.Queries,
        RateLimitPolicies.Uploads => settings.Uploads,
        _ => null,
    });

    public static RateLimitPartition<string> For(HttpContext context, string policy)
    {
        var services = context.RequestServices;
        var settings = services.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        if (!settings.Enabled)
        {
            return RateLimitPartition.GetNoLimiter("");
        }

        var (permits, burst) = LimitOf(settings, policy);
        // The limiter itself comes from RateLimitBuckets, which the cache-hit fast path draws on too.
        var buckets = services.GetRequiredService<RateLimitBuckets>();
        return RateLimitPartition.Get(ClientOf(context), client => buckets.For(policy, client, permits, burst));
    }
}
