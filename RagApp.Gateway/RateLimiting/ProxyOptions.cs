namespace RagApp.Gateway.RateLimiting;

/// <summary>
/// The proxies (an ingress, a load balancer) whose <c>X-Forwarded-For</c> the gateway believes, from the
/// "Gateway:Proxy" configuration section. None by default: a client could otherwise name any address it likes and
/// get a fresh rate-limit bucket with every request.
/// </summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Gateway:Proxy";

    /// <summary>Addresses or CIDR networks of trusted proxies (e.g. "10.0.0.0/8", "127.0.0.1").</summary>
    public string[] TrustedProxies { get; set; } = [];
}
