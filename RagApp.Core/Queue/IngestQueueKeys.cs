using RagApp.Core.Redis;
using StackExchange.Redis;

namespace RagApp.Core.Queue;

/// <summary>
/// The queue's Redis key layout. A job id lives in exactly one of ready, processing, delayed (or, once finished,
/// optionally dead); its status hash and payload live under job:.
/// <code>
/// queue:{name}:ready        LIST    job ids waiting; RPUSH at the tail, leased from the head (FIFO); an expired
///                                   lease goes back to the head, a due retry to the tail
/// queue:{name}:processing   LIST    job ids under a lease
/// queue:{name}:leases       ZSET    job id -> lease deadline (unix ms); the token itself is in the job hash
/// queue:{name}:delayed      ZSET    job id -> time the retry is due (unix ms)
/// queue:{name}:dead         LIST    dead-lettered job ids, newest first, trimmed to DeadLetterCapacity
/// queue:{name}:retained     ZSET    dead-lettered job id -> time its kept payload is released (unix ms)
/// queue:{name}:bytes        STRING  payload bytes held by ready, processing, delayed and retained jobs (the budget)
/// queue:{name}:wake         channel a job became ready; wakes idle consumers before their next poll
/// queue:{name}:workers      ZSET    consumer id -> last heartbeat (unix ms); tells health whether anyone consumes
/// queue:{name}:doc:{docId}  HASH    version: the newest version handed out for the document; deleted: the version of
///                                   the last delete that succeeded (equal to version: the document is gone for good)
/// job:{id}                  HASH    job description + status (fields in JobStatusFields); TTL once terminal
/// job:{id}:payload          STRING  the document bytes; deleted on completion, or when a failed job's retention ends
/// job:{id}:changes          channel the status after each change (JSON array of the JobStatusFields values)
/// </code>
/// Times are the Redis server's (TIME inside the scripts), so consumers with skewed clocks agree on every deadline.
/// Every script declares all keys it touches in KEYS: Garnet locks only those for the script's transaction.
/// </summary>
internal sealed class IngestQueueKeys(string queueName)
{
    private readonly string _prefix = $"{RedisKeys.QueuePrefix}{queueName}:";

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

    public static RedisKey Job(string jobId) => RedisKeys.JobPrefix + jobId;

    public static RedisKey Payload(string jobId) => RedisKeys.JobPrefix + jobId + ":payload";

    public static string JobChannel(string jobId) => RedisKeys.JobPrefix + jobId + ":changes";
}
