namespace RagApp.Gateway.RateLimiting;

/// <summary>What the bucket said: <see cref="Granted"/> tokens (none: refused until <see cref="RetryAfter"/> has passed).</summary>
internal readonly record struct RateLimitDecision(int Granted, TimeSpan RetryAfter, long Remaining)
{
    public bool Allowed => Granted > 0;
}
