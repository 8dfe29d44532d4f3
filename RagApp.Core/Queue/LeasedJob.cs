namespace RagApp.Core.Queue;

/// <summary>
/// A job a consumer holds until <see cref="LeaseExpiresAt"/>. <see cref="LeaseToken"/> identifies this particular
/// lease: once it expired and the job was handed to someone else, completing or failing with it is a no-op.
/// </summary>
/// <param name="Attempt">1 for the first delivery, incremented on every lease (including after an expired lease).</param>
public sealed record LeasedJob(
    IngestJob Job,
    ReadOnlyMemory<byte> Payload,
    int Attempt,
    string LeaseToken,
    DateTimeOffset LeaseExpiresAt);
