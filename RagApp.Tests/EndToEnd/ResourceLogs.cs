using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace RagApp.Tests.EndToEnd;

/// <summary>Waits for a line in a resource's console log (what the dashboard shows), bounded.</summary>
internal static class ResourceLogs
{
    /// <param name="since">
    /// Only lines stamped at or after this moment count: the watch replays the whole log, and an earlier test's line
    /// (a crash of the same resource, say) must not pass for the one awaited. Null: every line.
    /// </param>
    public static async Task<string> WaitForLineAsync(
        DistributedApplication app, string resourceName, Func<string, bool> match, string waitingFor, TimeSpan bound, CancellationToken cancellationToken,
        DateTimeOffset? since = null)
    {
        var resource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(candidate => candidate.Name == resourceName);
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(bound);
        try
        {
            // The watch replays what was logged before it began, so a line written before the call is found too.
            await foreach (var batch in logs.WatchAsync(resource).WithCancellation(patience.Token))
            {
                foreach (var line in batch)
                {
                    if ((since is null || StampOf(line.Content) is not { } stamp || stamp >= since) && match(line.Content))
                    {
                        return line.Content;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"Waited {bound.TotalSeconds:F0} s for {waitingFor} in {resourceName}'s console log.");
    }

    /// <summary>The timestamp a console log line starts with ("2026-12-02T12:25:08.0521490Z ..."), if any.</summary>
    private static DateTimeOffset? StampOf(string content)
    {
        var end = content.IndexOf(' ', StringComparison.Ordinal);
        return end > 0 && DateTimeOffset.TryParse(content.AsSpan(0, end), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var stamp)
            ? stamp
            : null;
    }
}
