namespace RagApp.Core.Queue;

/// <summary>The queue as health sees it, read at one instant of the Redis server's clock.</summary>
/// <param name="LastConsumerSeen">The newest heartbeat of any consumer, or null when none has been heard from lately.</param>
/// <param name="Waiting">Jobs that could run now: ready, retries that are due, and jobs whose lease ran out.</param>
/// <param name="OldestWaitingSince">Since when the longest-waiting of those has been waiting.</param>
/// <param name="Processing">Jobs under a lease.</param>
public sealed record QueueObservation(
    DateTimeOffset ServerTime,
    DateTimeOffset? LastConsumerSeen,
    long Waiting,
    DateTimeOffset? OldestWaitingSince,
    long Processing);
