using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Supervision;

/// <summary>
/// Finds the lifecycle command (start, stop, restart, rebuild) issued last for a resource instance. Aspire's command
/// service writes "Executing command '{name}'." to the instance's console log before it runs any command, whoever
/// asked (the dashboard, a test, the supervisor's own restarts), and it has no other hook for commands; the line is
/// in the log's in-memory part before the command starts the stop, so it is there when the end is seen.
/// </summary>
internal static class LifecycleCommandLog
{
    private static readonly string[] LifecycleCommands =
    [
        KnownResourceCommands.StartCommand,
        KnownResourceCommands.StopCommand,
        KnownResourceCommands.RestartCommand,
        KnownResourceCommands.RebuildCommand,
    ];

    /// <summary>The last lifecycle command among the instance's in-memory log lines (the AppHost's own), or null.</summary>
    public static async Task<string?> LastAsync(ResourceLoggerService logs, string resourceId, CancellationToken cancellationToken)
    {
        // The first batch is the in-memory part (commands, supervision lines), taken under the log's lock; what follows
        // is the process's output read back from the orchestrator, which holds no command lines and is not wanted.
        await using var batches = logs.GetAllAsync(resourceId).GetAsyncEnumerator(cancellationToken);
        return await batches.MoveNextAsync() ? Last(batches.Current.Select(line => line.Content)) : null;
    }

    /// <summary>The last lifecycle command named in these lines, or null when none is.</summary>
    public static string? Last(IEnumerable<string> lines)
    {
        string? last = null;
        foreach (var line in lines)
        {
            foreach (var command in LifecycleCommands)
            {
                if (line.Contains($"Executing command '{command}'.", StringComparison.Ordinal))
                {
                    last = command;
                }
            }
        }

        return last;
    }
}
