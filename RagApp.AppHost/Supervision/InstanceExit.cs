using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Supervision;

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
