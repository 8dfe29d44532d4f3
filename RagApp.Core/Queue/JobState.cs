namespace RagApp.Core.Queue;

/// <summary>
/// Where a job is. A job waiting for a retry stays <see cref="Queued"/> with <see cref="JobStatus.NextAttemptAt"/> set;
/// <see cref="Failed"/> is only reached by dead-lettering, so it is terminal (until the job is retried by hand).
/// </summary>
public enum JobState
{
    Queued,
    Processing,

    /// <summary>The submission is what the index holds (indexed, or for a delete: removed).</summary>
    Succeeded,

    /// <summary>The index already held this content; only the submission's version was recorded, nothing re-embedded.</summary>
    Unchanged,

    /// <summary>A newer submission of the same document reached the index first; this one changed nothing.</summary>
    Superseded,

    Failed,
}
