using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Supervision;

/// <summary>
/// Tells a crash from a requested stop. The orchestrator (DCP) reports a process that died as Running → Finished (or
/// Exited) with its exit code (137 after kill -9), and one it was asked to stop usually as Running → Stopping →
/// Finished; but its watch can skip the short-lived Stopping, so a stop on request may also arrive as Running →
/// Finished (exit code 0). What settles it then is the lifecycle command issued last for the instance: a stop,
/// restart or rebuild means the end was asked for. The exit code does not decide: it is 0 for a service that quits
/// by itself too, and 137 for a requested stop that outlived the orchestrator's grace period.
/// </summary>
internal static class InstanceExit
{
    public static InstanceExitKind Classify(string? previousState, string? state, string? lastLifecycleCommand = null)
    {
        if (state is null || !KnownResourceStates.TerminalStates.Contains(state))
        {
            return InstanceExitKind.None;
        }

        if (previousState == KnownResourceStates.Stopping)
        {
            return InstanceExitKind.StoppedOnRequest;
        }

        if (previousState != KnownResourceStates.Running)
        {
            return InstanceExitKind.None;
        }

        return lastLifecycleCommand == KnownResourceCommands.StopCommand
            || lastLifecycleCommand == KnownResourceCommands.RestartCommand
            || lastLifecycleCommand == KnownResourceCommands.RebuildCommand
                ? InstanceExitKind.StoppedOnRequest
                : InstanceExitKind.Crashed;
    }
}
