namespace RagApp.Tests.Queue;

/// <summary>Where the model says a job is; every job is in exactly one place.</summary>
public enum ModelJobPlace
{
    Ready,
    Processing,

    /// <summary>Waiting for a retry (the model's retries are due at once, promoted by the next lease's housekeeping).</summary>
    Delayed,

    DeadLettered,

    /// <summary>Completed as Succeeded, Unchanged or Superseded.</summary>
    Ended,
}
