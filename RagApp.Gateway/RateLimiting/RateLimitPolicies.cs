namespace RagApp.Gateway.RateLimiting;

/// <summary>The gateway's rate-limit policies: each is a bucket of its own per client.</summary>
internal static class RateLimitPolicies
{
    /// <summary>Documents (but uploads) and jobs.</summary>
    public const string Api = "api";

    public const string Queries = "queries";

    public const string Uploads = "uploads";
}
