using System.ComponentModel.DataAnnotations;

namespace RagApp.Gateway.RateLimiting;

/// <summary>
/// Requests per client (an API key, else the client's address), from the "Gateway:RateLimits" configuration section.
/// Each policy is a token bucket in Redis, shared by every gateway replica: it holds <see cref="Burst"/> requests and
/// refills at <see cref="PermitsPerMinute"/>, continuously.
/// </summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string SectionName = "Gateway:RateLimits";

    public bool Enabled { get; set; } = true;

    /// <summary>Sustained requests a minute per client; the AppHost sets it from its parameter <c>rate-limit-per-minute</c>.</summary>
    [Range(1, 1_000_000_000)]
    public int PermitsPerMinute { get; set; } = 100;

    /// <summary>Requests a client may make at once after being idle; unset: one minute's worth (<see cref="PermitsPerMinute"/>).</summary>
    [Range(1, 1_000_000_000)]
    public int? Burst { get; set; }

    /// <summary><c>POST /api/v1/query</c> and <c>/query/stream</c>.</summary>
    public RateLimitPolicyOptions Queries { get; set; } = new();

    /// <summary><c>POST /api/v1/documents</c>: each upload costs extraction and embedding, so it may want a lower limit.</summary>
    public RateLimitPolicyOptions Uploads { get; set; } = new();

    /// <summary>Where a policy's values come from: its own section, else the section's.</summary>
    public (int PermitsPerMinute, int Burst) For(RateLimitPolicyOptions? policy)
    {
        var permits = policy?.PermitsPerMinute ?? PermitsPerMinute;
        return (permits, policy?.Burst ?? Burst ?? permits);
    }

    /// <summary>The policies' own ranges: data annotations do not look into nested objects by themselves.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, policy) in new[] { (nameof(Queries), Queries), (nameof(Uploads), Uploads) })
        {
            var results = new List<ValidationResult>();
            Validator.TryValidateObject(policy, new ValidationContext(policy), results, validateAllProperties: true);
            foreach (var result in results)
            {
                yield return new ValidationResult(result.ErrorMessage, [.. result.MemberNames.Select(member => $"{name}:{member}")]);
            }
        }
    }
}
