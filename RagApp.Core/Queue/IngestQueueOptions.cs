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
    /// Payload bytes the queue may hold (ready, delayed and processing jobs). Enqueue beyond it throws
    /// <see cref="QueueFullException"/> instead of letting memory fill. On Garnet keep it within the storage tier's
    /// disk space; on Redis within maxmemory (with maxmemory-policy noeviction).
    /// </summary>
    [Range(1L, long.MaxValue)]
    public long MaxQueuedBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>How long a consumer holds a job before it is requeued, unless renewed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "1.00:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Deliveries before a failing job is dead-lettered (an expired lease counts as a delivery).</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry; doubles with each further attempt, plus up to 20 % jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a finished (succeeded, unchanged or dead-lettered) job's status stays readable.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan StatusRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often an idle consumer looks for work; enqueues and retries wake it sooner through pub/sub.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>What <see cref="QueueFullException.RetryAfter"/> tells a client whose upload did not fit.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan QueueFullRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most recent dead-lettered job ids kept in the dead-letter list; older ones are trimmed.</summary>
    [Range(1, 10_000_000)]
    public int DeadLetterCapacity { get; set; } = 100_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxRetryDelay < InitialRetryDelay)
        {
            yield return new ValidationResult(
                $"{nameof(MaxRetryDelay)} must not be shorter than {nameof(InitialRetryDelay)}.",
                [nameof(MaxRetryDelay), nameof(InitialRetryDelay)]);
        }
    }
}
