namespace RagApp.Gateway.RateLimiting;

/// <summary>What the bucket said: allowed, or refused until <see cref="RetryAfter"/> has passed.</summary>
internal readonly record struct RateLimitDecision(bool Allowed, TimeSpan RetryAfter, long Remaining);
