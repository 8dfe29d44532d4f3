namespace RagApp.Core.Queue;

/// <summary>
/// Delay before the retry that follows failed attempt n: InitialRetryDelay * 2^(n-1), capped at MaxRetryDelay, less
/// up to 20 % jitter, so that jobs that failed together (say, while RagApp.Rag was down) do not all come back in
/// the same instant, and no delay exceeds MaxRetryDelay.
/// </summary>
internal static class RetryBackoff
{
    public const double MaxJitter = 0.2;

    /// <param name="failedAttempt">The attempt that just failed, from 1.</param>
    /// <param name="jitterSample">A uniform sample in [0, 1).</param>
    public static TimeSpan Delay(int failedAttempt, TimeSpan initial, TimeSpan max, double jitterSample)
    {
        var exponent = Math.Clamp(failedAttempt - 1, 0, 62);
        var ticks = Math.Min(initial.Ticks * Math.Pow(2, exponent), max.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (1 - (MaxJitter * jitterSample))));
    }
}
