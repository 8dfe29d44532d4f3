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
