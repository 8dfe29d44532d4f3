using System.ComponentModel.DataAnnotations;

namespace RagApp.Gateway.Caching;

/// <summary>The query cache (<see cref="QueryCache"/>), from the "Gateway:Cache" configuration section.</summary>
public sealed class QueryCacheOptions : IValidatableObject
{
    public const string SectionName = "Gateway:Cache";

    /// <summary>False answers every question through RagApp.Rag and leaves Redis alone.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// How long an entry is kept. Entries never go stale (their key holds the index generation), so this only bounds how
    /// long an unasked question keeps its memory.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Largest entry stored, in bytes (the answer with its sources, or a stream's events); larger answers are not cached.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxEntryBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Bound on the bytes of all entries together; storing past it evicts the oldest entries first. It keeps the cache
    /// from crowding the ingest queue out of the Redis they share.
    /// </summary>
    [Range(64 * 1024, 64L * 1024 * 1024 * 1024)]
    public long MaxTotalBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>
    /// How long a gateway keeps an answer it read from Redis in its own memory, so that a hot question costs no Redis
    /// round trip. Zero turns the local copy off. Entries are as fresh as Redis's either way (both are keyed on the index
    /// generation); this bounds how long a flush made through another gateway takes to reach this one.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan LocalTimeToLive { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Bound on the bytes of the answers a gateway keeps in its own memory (their JSON); zero turns it off.</summary>
    [Range(0, 16L * 1024 * 1024 * 1024)]
    public long LocalMaxBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>
    /// Whether a whole answer held in this gateway's memory is served before routing (<c>CachedQueryMiddleware</c>):
    /// key, body, local copy and a token of the client's local lease checked by hand, everything else (a miss, an
    /// invalid body, no key, an empty lease) left to the endpoint. False sends every question through the endpoint.
    /// </summary>
    public bool HitFastPath { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxEntryBytes > MaxTotalBytes)
        {
            yield return new ValidationResult(
                $"{nameof(MaxEntryBytes)} ({MaxEntryBytes}) must not exceed {nameof(MaxTotalBytes)} ({MaxTotalBytes}).",
                [nameof(MaxEntryBytes), nameof(MaxTotalBytes)]);
        }
    }
}
