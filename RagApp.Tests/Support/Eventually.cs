namespace RagApp.Tests.Support;

/// <summary>
/// Waits for a condition instead of sleeping a fixed time: polls until the probe yields a value, and fails after a
/// bound with a message naming what it waited for (and the last value seen), so a hang costs seconds and explains itself.
/// </summary>
internal static class Eventually
{
    public static async Task<T> GetAsync<T>(
        Func<Task<T?>> probe, string waitingFor, TimeSpan bound, CancellationToken cancellationToken, TimeSpan? pollInterval = null)
        where T : class
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {bound.TotalSeconds:F0} s for {waitingFor}.");
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    public static async Task<T> MatchAsync<T>(
        Func<Task<T>> read, Func<T, bool> condition, string waitingFor, TimeSpan bound, CancellationToken cancellationToken,
        TimeSpan? pollInterval = null)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {bound.TotalSeconds:F0} s for {waitingFor}; last seen: {value}.");
            }

            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, string waitingFor, TimeSpan bound, CancellationToken cancellationToken,
        TimeSpan? pollInterval = null) =>
        MatchAsync(condition, satisfied => satisfied, waitingFor, bound, cancellationToken, pollInterval);
}
