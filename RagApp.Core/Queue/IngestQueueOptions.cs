using System.ComponentModel.DataAnnotations;

namespace RagApp.Core.Queue;

/// <summary>Settings of the ingest queue, bound from "Ingest:Queue" and validated at start-up.</summary>
public sealed class IngestQueueOptions : IValidatableObject
{
    public const string SectionName = "Ingest:Queue";

    /// <summary>Names the queue's keys (queue:{name}:...); letters, digits, '-' and '_' only.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,64}$")]
    public string QueueName { get; set; } = "ingest";

    /// <summary>
    /// Payload bytes the queue may hold (ready, delayed, processing jobs, and the kept payloads of failed ones). Enqueue
    /// beyond it throws <see cref="QueueFullException"/> instead of letting memory fill. On Garnet keep it within the
    /// storage tier's disk space; on Redis within maxmemory (with maxmemory-policy noeviction).
    /// </summary>
    [Range(1L, long.MaxValue)]
    public long MaxQueuedBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>
    /// How long a consumer holds a job before it is requeued, unless renewed (consumers renew at a third of it). It is
    /// also how long the jobs of a consumer that crashed wait before another one takes them.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Transient failures of a job before it is dead-lettered (with its payload kept for a retry).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>
    /// Deliveries whose lease ran out (the consumer crashed or hung) before the job is dead-lettered as a likely cause:
    /// a document that kills every worker that touches it must not do so for ever. Higher than
    /// <see cref="MaxAttempts"/>, because a crashing worker takes every job it held down with it.
    /// </summary>
    [Range(1, 1000)]
    public int MaxLeaseExpiries { get; set; } = 10;

    /// <summary>
    /// Attempts that found a dependency unavailable before the job is dead-lettered (with its payload kept). They do not
    /// count as failures; the bound only stops a job that takes a dependency down with it from doing so for ever.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxDeferrals { get; set; } = 50;

    /// <summary>Delay before the first retry; doubles with each further failure, less up to 20 % jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Delay before a job that found a dependency down runs again; doubles up to <see cref="MaxDependencyRetryDelay"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan DependencyRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan MaxDependencyRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a finished (succeeded, unchanged, superseded or dead-lettered) job's status stays readable.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan StatusRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// How long the payload of a job dead-lettered for a transient reason is kept so that it can be retried
    /// (<c>POST /api/v1/jobs/{id}/retry</c>). It counts against <see cref="MaxQueuedBytes"/> meanwhile.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan FailedPayloadRetention { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How often an idle consumer looks for work; enqueues and retries wake it sooner through pub/sub.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What <see cref="QueueFullException.RetryAfter"/> tells a client whose upload did not fit.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan QueueFullRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most recent dead-lettered job ids kept in the dead-letter list; older ones are trimmed.</summary>
    [Range(1, 10_000_000)]
    public int DeadLetterCapacity { get; set; } = 100_000;

    /// <summary>How often a consumer says it is alive (queue:{name}:workers).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A consumer not heard from for this long counts as gone: jobs waiting with none left make health degraded.</summary>
    [Range(typeof(TimeSpan), "00:00:00.300", "01:00:00")]
    public TimeSpan ConsumerTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxRetryDelay < InitialRetryDelay)
        {
            yield return new ValidationResult(
                $"{nameof(MaxRetryDelay)} must not be shorter than {nameof(InitialRetryDelay)}.",
                [nameof(MaxRetryDelay), nameof(InitialRetryDelay)]);
        }

        if (MaxDependencyRetryDelay < DependencyRetryDelay)
        {
            yield return new ValidationResult(
                $"{nameof(MaxDependencyRetryDelay)} must not be shorter than {nameof(DependencyRetryDelay)}.",
                [nameof(MaxDependencyRetryDelay), nameof(DependencyRetryDelay)]);
        }

        if (FailedPayloadRetention > StatusRetention)
        {
            yield return new ValidationResult(
                $"{nameof(FailedPayloadRetention)} must not be longer than {nameof(StatusRetention)}: a kept payload needs its job.",
                [nameof(FailedPayloadRetention), nameof(StatusRetention)]);
        }

        if (ConsumerTimeout <= HeartbeatInterval)
        {
            yield return new ValidationResult(
                $"{nameof(ConsumerTimeout)} must be longer than {nameof(HeartbeatInterval)}.",
                [nameof(ConsumerTimeout), nameof(HeartbeatInterval)]);
        }
    }
}
