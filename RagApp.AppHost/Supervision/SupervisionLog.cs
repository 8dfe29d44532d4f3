using Microsoft.Extensions.Logging;

namespace RagApp.AppHost.Supervision;

/// <summary>
/// What the <see cref="ResourceSupervisor"/> decides, logged both to the AppHost's log and to the resource's own console
/// log, where the dashboard shows it next to the service's last words.
/// </summary>
internal static partial class SupervisionLog
{
    [LoggerMessage(EventId = 9000, Level = LogLevel.Information,
        Message = "Supervision: restarting {Resources} when they end without being asked to, after {InitialBackoff} doubling up to {MaxBackoff}, back to {InitialBackoff} after {StableAfter} up.")]
    public static partial void Supervising(this ILogger logger, string resources, TimeSpan initialBackoff, TimeSpan maxBackoff, TimeSpan stableAfter);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning,
        Message = "Supervision is off (RagApp:Supervision:Enabled=false): a service that crashes stays down until started from the dashboard.")]
    public static partial void SupervisionDisabled(this ILogger logger);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning,
        Message = "Supervision: {Resource} ended without being asked to (exit code {ExitCode}); starting it again in {Delay} (restart {Restart} in a row).")]
    public static partial void Crashed(this ILogger logger, string resource, int? exitCode, TimeSpan delay, int restart);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information,
        Message = "Supervision: started {Resource} again (restart {Restart} in a row).")]
    public static partial void Restarted(this ILogger logger, string resource, int restart);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Warning,
        Message = "Supervision: starting {Resource} again failed ({Reason}); trying again in {Delay} (restart {Restart} in a row).")]
    public static partial void RestartFailed(this ILogger logger, string resource, string? reason, TimeSpan delay, int restart);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Information,
        Message = "Supervision: {Resource} was stopped on request; not restarting it.")]
    public static partial void StoppedOnRequest(this ILogger logger, string resource);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Information,
        Message = "Supervision: {Resource} was started before its restart was due; the restart is dropped.")]
    public static partial void RestartOvertaken(this ILogger logger, string resource);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Warning,
        Message = "Supervision: could not read {Resource}'s command log to tell a requested stop from a crash; treating its end as a crash.")]
    public static partial void CommandLogUnreadable(this ILogger logger, string resource, Exception exception);

    [LoggerMessage(EventId = 9008, Level = LogLevel.Debug,
        Message = "Supervision: {Resource} went from {PreviousState} to {State} (exit code {ExitCode}; last lifecycle command: {Command}).")]
    public static partial void Ended(this ILogger logger, string resource, string? previousState, string state, int? exitCode, string? command);
}
