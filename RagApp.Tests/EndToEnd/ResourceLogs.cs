using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace RagApp.Tests.EndToEnd;

/// <summary>Waits for a line in a resource's console log (what the dashboard shows), bounded.</summary>
internal static class ResourceLogs
{
    public static async Task<string> WaitForLineAsync(
        DistributedApplication app, string resourceName, Func<string, bool> match, string waitingFor, TimeSpan bound, CancellationToken cancellationToken)
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
                    if (match(line.Content))
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
}
