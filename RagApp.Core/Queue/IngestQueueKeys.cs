using RagApp.Core.Redis;
using StackExchange.Redis;

namespace RagApp.Core.Queue;

/// <summary>
/// The queue's Redis key layout. A job id lives in exactly one of ready, processing, delayed (or, once finished,
/// optionally dead); its status hash and payload live under job:. Every key carries the queue's name as a Redis Cluster
/// hash tag (<c>{ingest}</c> by default), so all keys of one queue hash to one slot: the scripts below touch the queue's
/// lists, the job's hash and payload and the document's record in one step, which a cluster runs only within one slot.
/// <code>
/// queue:{ingest}:ready            LIST    job ids waiting; RPUSH at the tail, leased from the head (FIFO); an expired
///                                         lease goes back to the head, a due retry to the tail
/// queue:{ingest}:processing       LIST    job ids under a lease
/// queue:{ingest}:leases           ZSET    job id -> lease deadline (unix ms); the token itself is in the job hash
/// queue:{ingest}:delayed          ZSET    job id -> time the retry is due (unix ms)
/// queue:{ingest}:dead             LIST    dead-lettered job ids, newest first, trimmed to DeadLetterCapacity
/// queue:{ingest}:retained         ZSET    dead-lettered job id -> time its kept payload is released (unix ms)
/// queue:{ingest}:bytes            STRING  payload bytes held by ready, processing, delayed and retained jobs (the budget)
/// queue:{ingest}:wake             channel a job became ready; wakes idle consumers before their next poll
/// queue:{ingest}:workers          ZSET    consumer id -> last heartbeat (unix ms); tells health whether anyone consumes
/// queue:{ingest}:doc:&lt;docId&gt;      HASH    version: the newest version handed out for the document; deleted: the version
///                                         of the last delete that succeeded (equal to version: the document is gone for good)
/// job:{ingest}:&lt;id&gt;               HASH    job description + status (fields in JobStatusFields); TTL once terminal
/// job:{ingest}:&lt;id&gt;:payload       STRING  the document bytes; deleted on completion, or when a failed job's retention ends
/// job:{ingest}:&lt;id&gt;:changes       channel the status after each change (JSON array of the JobStatusFields values)
/// </code>
/// The tag comes first in every key, before any document or job id, so that braces in an id never become the tag.
/// Times are the Redis server's (TIME inside the scripts), so consumers with skewed clocks agree on every deadline.
/// Every script declares all keys it touches in KEYS: Garnet locks only those for the script's transaction, and a
/// cluster routes the script by them.
/// </summary>
internal sealed class IngestQueueKeys(string queueName)
{
    private readonly string _prefix = $"{RedisKeys.QueuePrefix}{RedisKeys.HashTag(queueName)}:";
    private readonly string _jobPrefix = $"{RedisKeys.JobPrefix}{RedisKeys.HashTag(queueName)}:";

    public RedisKey Ready => _prefix + "ready";

    public RedisKey Processing => _prefix + "processing";

    public RedisKey Leases => _prefix + "leases";

    public RedisKey Delayed => _prefix + "delayed";

    public RedisKey DeadLetters => _prefix + "dead";

    public RedisKey Retained => _prefix + "retained";

    public RedisKey QueuedBytes => _prefix + "bytes";

    public RedisKey Workers => _prefix + "workers";

    public RedisKey Document(string documentId) => _prefix + "doc:" + documentId;

    public string WakeChannel => _prefix + "wake";

    public RedisKey Job(string jobId) => _jobPrefix + jobId;

    public RedisKey Payload(string jobId) => _jobPrefix + jobId + ":payload";

    public string JobChannel(string jobId) => _jobPrefix + jobId + ":changes";

    // The KEYS of each script in QueueScripts, in the order its comment gives. Built here, next to the layout, so that a
    // test can check every script's keys share one slot (RedisKeySlotTests).

    public RedisKey[] ForEnqueue(string jobId, string documentId) => [Ready, QueuedBytes, Job(jobId), Payload(jobId), Document(documentId)];

    public RedisKey[] ForLease(string jobId) => [Ready, Processing, Leases, Job(jobId), Payload(jobId)];

    public RedisKey[] ForRenew(string jobId) => [Leases, Job(jobId)];

    public RedisKey[] ForComplete(string jobId, string documentId) =>
        [Processing, Leases, Job(jobId), Payload(jobId), QueuedBytes, Document(documentId)];

    public RedisKey[] ForRelease(string jobId) => [Processing, Leases, Job(jobId), Ready];

    public RedisKey[] ForFail(string jobId) =>
        [Processing, Leases, Job(jobId), Payload(jobId), QueuedBytes, Delayed, DeadLetters, Retained];

    public RedisKey[] ForRequeueExpired(string jobId) =>
        [Processing, Leases, Job(jobId), Payload(jobId), QueuedBytes, Ready, DeadLetters, Retained];

    public RedisKey[] ForMaintain() => [Delayed, Ready, Leases, Retained];

    public RedisKey[] ForReleaseRetained(string jobId) => [Retained, Payload(jobId), QueuedBytes, Job(jobId)];

    public RedisKey[] ForRetry(string jobId) => [Job(jobId), Payload(jobId), DeadLetters, Ready, Retained];

    public RedisKey[] ForHeartbeat() => [Workers];

    public RedisKey[] ForObserve() => [Ready, Delayed, Leases, Workers, Processing];
}
