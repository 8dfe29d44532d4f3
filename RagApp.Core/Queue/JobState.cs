namespace RagApp.Core.Queue;

/// <summary>
/// Where a job is. A job waiting for a retry stays <see cref="Queued"/> with <see cref="JobStatus.NextAttemptAt"/> set;
/// <see cref="Failed"/> is only reached by dead-lettering, so it is always terminal.
/// </summary>
public enum JobState
{
    Queued,
    Processing,
    Succeeded,
    Unchanged,
    Failed,
}
