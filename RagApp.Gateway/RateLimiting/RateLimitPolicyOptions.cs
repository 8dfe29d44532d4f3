using System.ComponentModel.DataAnnotations;

namespace RagApp.Gateway.RateLimiting;

/// <summary>One policy's own limit (<c>Gateway:RateLimits:Queries</c>, <c>...:Uploads</c>); unset values take the section's.</summary>
public sealed class RateLimitPolicyOptions
{
    [Range(1, 1_000_000_000)]
    public int? PermitsPerMinute { get; set; }

    [Range(1, 1_000_000_000)]
    public int? Burst { get; set; }
}
