namespace RagApp.AppHost.Supervision;

/// <summary>The wait before the n-th restart in a row: InitialBackoff, doubled per restart, capped at MaxBackoff.</summary>
internal static class RestartBackoff
{
    public static TimeSpan For(int restartInARow, SupervisionOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(restartInARow, 1);
        // Doubling 2^30 times overflows long before any sane cap; stop doubling once past the cap.
        var delay = options.InitialBackoff;
        for (var i = 1; i < restartInARow && delay < options.MaxBackoff; i++)
        {
            delay += delay;
        }

        return delay < options.MaxBackoff ? delay : options.MaxBackoff;
    }
}
