namespace RagApp.Core.Queue;

/// <summary>Reads job statuses and follows their changes.</summary>
public interface IJobStatusStore
{
    /// <summary>The job's status, or null when it does not exist (or its retention ran out).</summary>
    Task<JobStatus?> GetAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Yields the current status, then every later change in order, and completes after a terminal state.
    /// Completes at once when the job does not exist.
    /// </summary>
    IAsyncEnumerable<JobStatus> WatchAsync(string jobId, CancellationToken cancellationToken);
}
