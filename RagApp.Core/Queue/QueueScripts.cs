namespace RagApp.Core.Queue;

/// <summary>
/// The Lua scripts behind every state change of a job. Each runs atomically on Redis, and on Garnet with
/// LuaTransactionMode, which locks exactly the keys passed in KEYS, so every key a script touches is declared.
/// Times are unix milliseconds from the caller's TimeProvider, never the server's clock. Only integer arithmetic:
/// Garnet runs Lua 5.4, where a float would be formatted differently than by Redis's Lua 5.1. Jobs join the ready
/// list at its tail and are leased from its head (index 0): Garnet's lists are linked lists whose LINDEX walks from
/// the head, so peeking at index -1 would cost O(length) there.
/// </summary>
internal static class QueueScripts
{
    /// <summary>Bumps the version, sets the retention TTL when given, and publishes the job's snapshot.</summary>
    private static readonly string Helpers = """
        local SNAPSHOT = {__SNAPSHOT__}

        local function changed(job_key, channel, retention_seconds)
          redis.call('HINCRBY', job_key, 'version', 1)
          if retention_seconds then
            redis.call('EXPIRE', job_key, retention_seconds)
          end
          redis.call('PUBLISH', channel, cjson.encode(redis.call('HMGET', job_key, unpack(SNAPSHOT))))
        end

        local function dead_letter(job_key, payload_key, bytes_key, dead_key, id, err, now, retention_seconds, dead_last_index, channel)
          redis.call('DEL', payload_key)
          redis.call('DECRBY', bytes_key, redis.call('HGET', job_key, 'payloadBytes'))
          redis.call('LPUSH', dead_key, id)
          redis.call('LTRIM', dead_key, 0, dead_last_index)
          redis.call('HDEL', job_key, 'lease', 'nextAttemptAt')
          redis.call('HSET', job_key, 'state', 'Failed', 'error', err, 'deadLettered', '1', 'completedAt', now, 'updatedAt', now)
          changed(job_key, channel, retention_seconds)
        end

        """.Replace("__SNAPSHOT__", string.Join(", ", JobStatusFields.Snapshot.Select(field => $"'{field}'")), StringComparison.Ordinal);

    /// <summary>
    /// KEYS: ready, bytes, job, payload. ARGV: id, max bytes, now, payload, wake channel, job channel, field/value pairs.
    /// Returns {1, held bytes}, {0, held bytes} when the budget is exhausted, {-1, 0} when the job exists.
    /// </summary>
    public static readonly string Enqueue = Helpers + """
        if redis.call('EXISTS', KEYS[3]) == 1 then
          return {-1, 0}
        end
        local size = string.len(ARGV[4])
        local held = tonumber(redis.call('GET', KEYS[2]) or '0')
        if held + size > tonumber(ARGV[2]) then
          return {0, held}
        end
        redis.call('SET', KEYS[4], ARGV[4])
        redis.call('HSET', KEYS[3], 'state', 'Queued', 'attempts', '0', 'updatedAt', ARGV[3],
          'payloadBytes', size, 'deadLettered', '0', 'version', '0', unpack(ARGV, 7))
        held = redis.call('INCRBY', KEYS[2], size)
        redis.call('RPUSH', KEYS[1], ARGV[1])
        changed(KEYS[3], ARGV[6], nil)
        redis.call('PUBLISH', ARGV[5], ARGV[1])
        return {1, held}
        """;

    /// <summary>
    /// Leases the job at the head of the ready list if it is the one the caller saw there.
    /// KEYS: ready, processing, leases, job, payload. ARGV: id, token, now, lease deadline, consumer, job channel.
    /// Returns {1, snapshot, payload}; {0, current head} when another consumer was faster; {-1, id} for an orphan id.
    /// </summary>
    public static readonly string Lease = Helpers + """
        local head = redis.call('LINDEX', KEYS[1], 0)
        if head ~= ARGV[1] then
          return {0, head}
        end
        redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
        if redis.call('EXISTS', KEYS[4]) == 0 then
          redis.call('LREM', KEYS[2], 1, ARGV[1])
          return {-1, ARGV[1]}
        end
        redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
        redis.call('HINCRBY', KEYS[4], 'attempts', 1)
        redis.call('HDEL', KEYS[4], 'nextAttemptAt')
        redis.call('HSET', KEYS[4], 'state', 'Processing', 'lease', ARGV[2], 'consumer', ARGV[5],
          'startedAt', ARGV[3], 'updatedAt', ARGV[3])
        changed(KEYS[4], ARGV[6], nil)
        return {1, redis.call('HMGET', KEYS[4], unpack(SNAPSHOT)), redis.call('GET', KEYS[5])}
        """;

    /// <summary>KEYS: leases, job. ARGV: id, token, new deadline. Returns 1, or 0 when the lease was lost.</summary>
    public const string Renew = """
        if redis.call('HGET', KEYS[2], 'lease') ~= ARGV[2] or not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
          return 0
        end
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS: processing, leases, job, payload, bytes. ARGV: id, token, outcome, chunk count, now, retention seconds,
    /// job channel, embedded chunks, cached chunks. Returns 1, or 0 when the lease was lost.
    /// </summary>
    public static readonly string Complete = Helpers + """
        if redis.call('HGET', KEYS[3], 'lease') ~= ARGV[2] then
          return 0
        end
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('DEL', KEYS[4])
        redis.call('DECRBY', KEYS[5], redis.call('HGET', KEYS[3], 'payloadBytes'))
        redis.call('HDEL', KEYS[3], 'lease', 'error', 'nextAttemptAt')
        redis.call('HSET', KEYS[3], 'state', ARGV[3], 'chunkCount', ARGV[4], 'completedAt', ARGV[5], 'updatedAt', ARGV[5],
          'embeddedChunks', ARGV[8], 'cachedChunks', ARGV[9])
        changed(KEYS[3], ARGV[7], ARGV[6])
        return 1
        """;

    /// <summary>
    /// KEYS: processing, leases, job, payload, bytes, delayed, dead. ARGV: id, token, error, permanent (1/0), now,
    /// max attempts, retry due time, retention seconds, last dead-letter index, job channel.
    /// Returns 1 when a retry was scheduled, 2 when dead-lettered, 0 when the lease was lost.
    /// </summary>
    public static readonly string Fail = Helpers + """
        if redis.call('HGET', KEYS[3], 'lease') ~= ARGV[2] then
          return 0
        end
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[3], 'lease')
        if ARGV[4] == '1' or tonumber(redis.call('HGET', KEYS[3], 'attempts')) >= tonumber(ARGV[6]) then
          dead_letter(KEYS[3], KEYS[4], KEYS[5], KEYS[7], ARGV[1], ARGV[3], ARGV[5], ARGV[8], ARGV[9], ARGV[10])
          return 2
        end
        redis.call('ZADD', KEYS[6], ARGV[7], ARGV[1])
        redis.call('HSET', KEYS[3], 'state', 'Queued', 'error', ARGV[3], 'nextAttemptAt', ARGV[7], 'updatedAt', ARGV[5])
        changed(KEYS[3], ARGV[10], nil)
        return 1
        """;

    /// <summary>
    /// Takes back a job whose lease ran out: to the front of the ready list, or to the dead letters when it has
    /// used all its attempts. KEYS: processing, leases, job, payload, bytes, ready, dead. ARGV: id, now, max attempts,
    /// retention seconds, last dead-letter index, job channel, wake channel, error.
    /// Returns 1 requeued, 2 dead-lettered, 0 when the lease is not (or no longer) expired, -1 for an orphan id.
    /// </summary>
    public static readonly string RequeueExpired = Helpers + """
        local deadline = redis.call('ZSCORE', KEYS[2], ARGV[1])
        if not deadline or tonumber(deadline) > tonumber(ARGV[2]) then
          return 0
        end
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        if redis.call('EXISTS', KEYS[3]) == 0 then
          return -1
        end
        redis.call('HDEL', KEYS[3], 'lease')
        if tonumber(redis.call('HGET', KEYS[3], 'attempts')) >= tonumber(ARGV[3]) then
          dead_letter(KEYS[3], KEYS[4], KEYS[5], KEYS[7], ARGV[1], ARGV[8], ARGV[2], ARGV[4], ARGV[5], ARGV[6])
          return 2
        end
        redis.call('LPUSH', KEYS[6], ARGV[1])
        redis.call('HSET', KEYS[3], 'state', 'Queued', 'error', ARGV[8], 'updatedAt', ARGV[2])
        changed(KEYS[3], ARGV[6], nil)
        redis.call('PUBLISH', ARGV[7], ARGV[1])
        return 1
        """;

    /// <summary>
    /// Moves retries that are due to the back of the ready list. KEYS: delayed, ready. ARGV: now, batch size,
    /// wake channel. Returns how many were promoted. Needs no job keys: a waiting retry is already Queued.
    /// </summary>
    public const string PromoteDue = """
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[2])
        for _, id in ipairs(due) do
          redis.call('ZREM', KEYS[1], id)
          redis.call('RPUSH', KEYS[2], id)
        end
        if #due > 0 then
          redis.call('PUBLISH', ARGV[3], #due)
        end
        return #due
        """;
}
