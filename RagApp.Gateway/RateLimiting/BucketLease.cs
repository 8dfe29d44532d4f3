using System.Threading.RateLimiting;

namespace RagApp.Gateway.RateLimiting;

/// <summary>A bucket's answer: granted, or refused with how long until a token is back (<see cref="MetadataName.RetryAfter"/>).</summary>
internal sealed class BucketLease : RateLimitLease
{
    public static readonly BucketLease Granted = new(true, null);

    /// <summary>What a synchronous attempt gets: not acquired, so that the middleware asks Redis asynchronously.</summary>
    public static readonly BucketLease Undecided = new(false, null);

    private readonly TimeSpan? _retryAfter;

    private BucketLease(bool acquired, TimeSpan? retryAfter)
    {
        IsAcquired = acquired;
        _retryAfter = retryAfter;
    }

    public static BucketLease Refused(TimeSpan retryAfter) => new(false, retryAfter);

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        if (_retryAfter is { } retryAfter && metadataName == MetadataName.RetryAfter.Name)
        {
            metadata = retryAfter;
            return true;
        }

        metadata = null;
        return false;
    }
}
