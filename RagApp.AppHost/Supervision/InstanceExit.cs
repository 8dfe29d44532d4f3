using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Supervision;

/// <summary>How an instance came to end, judged from the state it was in before.</summary>
internal enum InstanceExitKind
{
    /// <summary>Not an end: still starting or running, or already down.</summary>
    None,

    /// <summary>It went down straight from Running: the process died or quit by itself (a crash, kill -9, an OOM kill).</summary>
    Crashed,

    /// <summary>
    /// It went down through Stopping, which the orchestrator shows only when asked to stop it: the dashboard's Stop,
    /// Restart or Rebuild, the resource-stop command, or the application shutting down.
    /// </summary>
    StoppedOnRequest,
}

/// <summary>
/// Tells a crash from a requested stop. The orchestrator (DCP) reports a process that died as Running → Finished (or
/// Exited) with its exit code (137 after kill -9), and one it was asked to stop as Running → Stopping → Finished; so the
/// state before the end decides, not the exit code, which is 0 for a service that quits by itself too.
/// </summary>
internal static class InstanceExit
{
    public static InstanceExitKind Classify(string? previousState, string? state)
    {
        if (state is null || !KnownResourceStates.TerminalStates.Contains(state))
        {
            return InstanceExitKind.None;
        }

        if (previousState == KnownResourceStates.Running)
        {
            return InstanceExitKind.Crashed;
        }

        return previousState == KnownResourceStates.Stopping ? InstanceExitKind.StoppedOnRequest : InstanceExitKind.None;
    }
}
