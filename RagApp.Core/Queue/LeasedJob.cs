namespace RagApp.Core.Queue;

/// <summary>
/// A job a consumer holds until <see cref="LeaseExpiresAt"/>. <see cref="LeaseToken"/> identifies this particular
/// lease: once it expired and the job was handed to someone else, completing or failing with it is a no-op.
/// </summary>
/// <param name="Payload">The document bytes; empty for a <see cref="JobKind.Delete"/> job.</param>
/// <param name="Attempt">1 for the first delivery, incremented on every lease (including after an expired lease).</param>
/// <param name="LeaseExpiresAt">By the Redis server's clock, which decides expiry.</param>
/// <param name="Failures">Earlier transient failures of the job (they set the retry backoff).</param>
/// <param name="Deferrals">Earlier attempts that found a dependency unavailable.</param>
public sealed record LeasedJob(
    IngestJob Job,
    ReadOnlyMemory<byte> Payload,
    int Attempt,
    string LeaseToken,
    DateTimeOffset LeaseExpiresAt,
    int Failures = 0,
    int Deferrals = 0);
