namespace RagApp.Core.Queue;

/// <summary>
/// The Lua scripts behind every state change of a job. Each runs atomically on Redis, and on Garnet with
/// LuaTransactionMode, which locks exactly the keys passed in KEYS, so every key a script touches is declared; a Redis
/// Cluster routes a script by its KEYS, which all carry the queue's hash tag (<see cref="IngestQueueKeys"/>).
/// "Now" is the server's clock (TIME): every consumer judges lease deadlines and retry times by the same clock, whatever
/// its own says. Only integer arithmetic, and numbers below 2^53: Garnet runs Lua 5.4, Redis Lua 5.1 (doubles). Jobs join
/// the ready list at its tail and are leased from its head (index 0): Garnet's lists are linked lists whose LINDEX walks
/// from the head, so peeking at index -1 would cost O(length) there.
/// </summary>
internal static class QueueScripts
{
    /// <summary>The server clock, job change notifications, dead-lettering and document versions.</summary>
    private static readonly string Helpers = """
        local SNAPSHOT = {__SNAPSHOT__}

        -- Unix milliseconds, and unix microseconds as a string (16 digits: exact, never formatted by Lua).
        local function clock()
          local t = redis.call('TIME')
          return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), t[1] .. string.format('%06d', tonumber(t[2]))
        end

        local function now_ms()
          local ms = clock()
          return ms
        end

        local function changed(job_key, channel, retention_seconds)
          redis.call('HINCRBY', job_key, 'version', 1)
          if retention_seconds then
            redis.call('EXPIRE', job_key, retention_seconds)
          end
          redis.call('PUBLISH', channel, cjson.encode(redis.call('HMGET', job_key, unpack(SNAPSHOT))))
        end

        -- retain_ms > 0 keeps the payload (still counted in the byte budget) until now + retain_ms, for a retry.
        local function dead_letter(job_key, payload_key, bytes_key, dead_key, retained_key, id, err, now, retention_seconds,
                                   dead_last_index, channel, retain_ms)
          local retryable = '0'
          if retain_ms > 0 then
            retryable = '1'
            if tonumber(redis.call('HGET', job_key, 'payloadBytes') or '0') > 0 then
              redis.call('ZADD', retained_key, now + retain_ms, id)
            end
          else
            redis.call('DEL', payload_key)
            redis.call('DECRBY', bytes_key, redis.call('HGET', job_key, 'payloadBytes'))
          end
          redis.call('LPUSH', dead_key, id)
          redis.call('LTRIM', dead_key, 0, dead_last_index)
          redis.call('HDEL', job_key, 'lease', 'nextAttemptAt')
          redis.call('HSET', job_key, 'state', 'Failed', 'error', err, 'deadLettered', '1', 'retryable', retryable,
            'completedAt', now, 'updatedAt', now)
          changed(job_key, channel, retention_seconds)
        end

        -- The next version of a document: the server clock in microseconds, or one more than the last version handed out
        -- when that is not older (two submissions in one microsecond, or a clock set back). Clock-based rather than a
        -- plain counter so that versions keep growing even when this Redis lost its data while the index kept its own.
        local function next_version(doc_key, clock_us)
          local last = redis.call('HGET', doc_key, 'version')
          redis.call('PERSIST', doc_key)
          if last and tonumber(last) >= tonumber(clock_us) then
            redis.call('HINCRBY', doc_key, 'version', 1)
            return redis.call('HGET', doc_key, 'version')
          end
          redis.call('HSET', doc_key, 'version', clock_us)
          return clock_us
        end

        """.Replace("__SNAPSHOT__", string.Join(", ", JobStatusFields.Snapshot.Select(field => $"'{field}'")), StringComparison.Ordinal);

    /// <summary>
    /// Queues an ingest or a delete and hands out the document's next version in the same step.
    /// KEYS: ready, bytes, job, payload, document. ARGV: id, max bytes, payload, wake channel, job channel, kind,
    /// document presence for a delete ('1' indexed, '0' not, '' unknown), field/value pairs.
    /// Returns {1, held bytes, version}; {0, held bytes, ''} when the byte budget is exhausted; {-1, 0, ''} when the job
    /// exists; {-2, 0, ''} for a delete of a document that has nothing to delete (never submitted and not indexed, or its
    /// last submission was a delete that succeeded).
    /// </summary>
    public static readonly string Enqueue = Helpers + """
        if redis.call('EXISTS', KEYS[3]) == 1 then
          return {-1, 0, ''}
        end
        local size = string.len(ARGV[3])
        local held = tonumber(redis.call('GET', KEYS[2]) or '0')
        if ARGV[6] == 'Delete' then
          local known = redis.call('HMGET', KEYS[5], 'version', 'deleted')
          if (known[1] and known[1] == known[2]) or (not known[1] and ARGV[7] == '0') then
            return {-2, 0, ''}
          end
        elseif held + size > tonumber(ARGV[2]) then
          return {0, held, ''}
        end
        local now, now_us = clock()
        local version = next_version(KEYS[5], now_us)
        if size > 0 then
          redis.call('SET', KEYS[4], ARGV[3])
          held = redis.call('INCRBY', KEYS[2], size)
        end
        redis.call('HSET', KEYS[3], 'state', 'Queued', 'kind', ARGV[6], 'attempts', '0', 'failures', '0', 'expiries', '0',
          'deferrals', '0', 'createdAt', now, 'updatedAt', now, 'payloadBytes', size, 'deadLettered', '0', 'retryable', '0',
          'version', '0', 'documentVersion', version, unpack(ARGV, 8))
        redis.call('RPUSH', KEYS[1], ARGV[1])
        changed(KEYS[3], ARGV[5], nil)
        redis.call('PUBLISH', ARGV[4], ARGV[1])
        return {1, held, version}
        """;

    /// <summary>
    /// Leases the job at the head of the ready list if it is the one the caller saw there.
    /// KEYS: ready, processing, leases, job, payload. ARGV: id, token, lease milliseconds, consumer, job channel.
    /// Returns {1, snapshot, payload, lease deadline}; {0, current head} when another consumer was faster; {-1, id} for an
    /// orphan id.
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
        local now = now_ms()
        local deadline = now + tonumber(ARGV[3])
        redis.call('ZADD', KEYS[3], deadline, ARGV[1])
        redis.call('HINCRBY', KEYS[4], 'attempts', 1)
        redis.call('HDEL', KEYS[4], 'nextAttemptAt')
        redis.call('HSET', KEYS[4], 'state', 'Processing', 'lease', ARGV[2], 'consumer', ARGV[4],
          'startedAt', now, 'updatedAt', now)
        changed(KEYS[4], ARGV[5], nil)
        return {1, redis.call('HMGET', KEYS[4], unpack(SNAPSHOT)), redis.call('GET', KEYS[5]), deadline}
        """;

    /// <summary>KEYS: leases, job. ARGV: id, token, lease milliseconds. Returns the new deadline, or 0 when the lease was lost.</summary>
    public static readonly string Renew = Helpers + """
        if redis.call('HGET', KEYS[2], 'lease') ~= ARGV[2] or not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
          return 0
        end
        local deadline = now_ms() + tonumber(ARGV[3])
        redis.call('ZADD', KEYS[1], deadline, ARGV[1])
        return deadline
        """;

    /// <summary>
    /// KEYS: processing, leases, job, payload, bytes, document. ARGV: id, token, outcome, chunk count, retention seconds,
    /// job channel, embedded chunks, cached chunks. A delete that succeeded marks the document deleted at its version.
    /// Returns 1, or 0 when the lease was lost.
    /// </summary>
    public static readonly string Complete = Helpers + """
        if redis.call('HGET', KEYS[3], 'lease') ~= ARGV[2] then
          return 0
        end
        local now = now_ms()
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('DEL', KEYS[4])
        redis.call('DECRBY', KEYS[5], redis.call('HGET', KEYS[3], 'payloadBytes'))
        redis.call('HDEL', KEYS[3], 'lease', 'error', 'nextAttemptAt')
        redis.call('HSET', KEYS[3], 'state', ARGV[3], 'chunkCount', ARGV[4], 'completedAt', now, 'updatedAt', now,
          'embeddedChunks', ARGV[7], 'cachedChunks', ARGV[8])
        if ARGV[3] == 'Succeeded' and redis.call('HGET', KEYS[3], 'kind') == 'Delete' then
          local version = redis.call('HGET', KEYS[3], 'documentVersion')
          local deleted = redis.call('HGET', KEYS[6], 'deleted')
          -- The mark only moves forward: an older delete acknowledged late must not stand for a newer one.
          if not deleted or tonumber(version) > tonumber(deleted) then
            redis.call('HSET', KEYS[6], 'deleted', version)
          end
          if redis.call('HGET', KEYS[6], 'version') == version then
            -- Gone for good unless submitted again: the record only has to outlive the jobs that could still mention it.
            redis.call('EXPIRE', KEYS[6], ARGV[5])
          end
        end
        changed(KEYS[3], ARGV[6], ARGV[5])
        return 1
        """;

    /// <summary>
    /// Hands a job back untouched, at the front of the ready list, when its consumer stops before finishing it (a clean
    /// shutdown): no failure is counted and nobody waits for the lease to run out. KEYS: processing, leases, job, ready.
    /// ARGV: id, token, job channel, wake channel. Returns 1, or 0 when the lease was lost.
    /// </summary>
    public static readonly string Release = Helpers + """
        if redis.call('HGET', KEYS[3], 'lease') ~= ARGV[2] then
          return 0
        end
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[3], 'lease')
        redis.call('HSET', KEYS[3], 'state', 'Queued', 'updatedAt', now_ms())
        redis.call('LPUSH', KEYS[4], ARGV[1])
        changed(KEYS[3], ARGV[3], nil)
        redis.call('PUBLISH', ARGV[4], ARGV[1])
        return 1
        """;

    /// <summary>
    /// KEYS: processing, leases, job, payload, bytes, delayed, dead, retained. ARGV: id, token, error, failure kind, max
    /// failures, retry delay milliseconds, retention seconds, last dead-letter index, job channel, max deferrals, payload
    /// retention milliseconds. Returns 1 when a retry was scheduled, 2 when dead-lettered, 0 when the lease was lost.
    /// </summary>
    public static readonly string Fail = Helpers + """
        if redis.call('HGET', KEYS[3], 'lease') ~= ARGV[2] then
          return 0
        end
        local now = now_ms()
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        redis.call('HDEL', KEYS[3], 'lease')
        local permanent = ARGV[4] == 'Permanent'
        local exhausted = permanent
        if not permanent then
          local counter, limit = 'failures', tonumber(ARGV[5])
          if ARGV[4] == 'DependencyUnavailable' then
            counter, limit = 'deferrals', tonumber(ARGV[10])
          end
          exhausted = redis.call('HINCRBY', KEYS[3], counter, 1) >= limit
        end
        if exhausted then
          local retain_ms = 0
          if not permanent then
            retain_ms = tonumber(ARGV[11])
          end
          dead_letter(KEYS[3], KEYS[4], KEYS[5], KEYS[7], KEYS[8], ARGV[1], ARGV[3], now, ARGV[7], ARGV[8], ARGV[9], retain_ms)
          return 2
        end
        local due = now + tonumber(ARGV[6])
        redis.call('ZADD', KEYS[6], due, ARGV[1])
        redis.call('HSET', KEYS[3], 'state', 'Queued', 'error', ARGV[3], 'nextAttemptAt', due, 'updatedAt', now)
        changed(KEYS[3], ARGV[9], nil)
        return 1
        """;

    /// <summary>
    /// Takes back a job whose lease ran out: to the front of the ready list, or to the dead letters (payload kept) when it
    /// has run out of expiries. KEYS: processing, leases, job, payload, bytes, ready, dead, retained. ARGV: id, max
    /// expiries, retention seconds, last dead-letter index, job channel, wake channel, error, payload retention milliseconds.
    /// Returns 1 requeued, 2 dead-lettered, 0 when the lease is not (or no longer) expired, -1 for an orphan id.
    /// </summary>
    public static readonly string RequeueExpired = Helpers + """
        local deadline = redis.call('ZSCORE', KEYS[2], ARGV[1])
        local now = now_ms()
        if not deadline or tonumber(deadline) > now then
          return 0
        end
        redis.call('LREM', KEYS[1], 1, ARGV[1])
        redis.call('ZREM', KEYS[2], ARGV[1])
        if redis.call('EXISTS', KEYS[3]) == 0 then
          return -1
        end
        redis.call('HDEL', KEYS[3], 'lease')
        if redis.call('HINCRBY', KEYS[3], 'expiries', 1) >= tonumber(ARGV[2]) then
          dead_letter(KEYS[3], KEYS[4], KEYS[5], KEYS[7], KEYS[8], ARGV[1], ARGV[7], now, ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[8]))
          return 2
        end
        redis.call('LPUSH', KEYS[6], ARGV[1])
        redis.call('HSET', KEYS[3], 'state', 'Queued', 'error', ARGV[7], 'updatedAt', now)
        changed(KEYS[3], ARGV[5], nil)
        redis.call('PUBLISH', ARGV[6], ARGV[1])
        return 1
        """;

    /// <summary>
    /// Housekeeping before a lease: moves due retries to the back of the ready list, and names the jobs whose lease ran
    /// out and the kept payloads whose retention ended (the caller settles each with its own script, which declares the
    /// job's keys). KEYS: delayed, ready, leases, retained. ARGV: batch size, wake channel.
    /// Returns {promoted count, expired lease ids, released payload ids}.
    /// </summary>
    public static readonly string Maintain = Helpers + """
        local now = now_ms()
        local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, ARGV[1])
        for _, id in ipairs(due) do
          redis.call('ZREM', KEYS[1], id)
          redis.call('RPUSH', KEYS[2], id)
        end
        if #due > 0 then
          redis.call('PUBLISH', ARGV[2], #due)
        end
        local expired = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, ARGV[1])
        local released = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, ARGV[1])
        return {#due, expired, released}
        """;

    /// <summary>
    /// Releases the kept payload of a dead-lettered job once its retention ended. KEYS: retained, payload, bytes, job.
    /// ARGV: id, job channel. Returns 1 when released, 0 when not due (or retried meanwhile).
    /// </summary>
    public static readonly string ReleaseRetained = Helpers + """
        local due = redis.call('ZSCORE', KEYS[1], ARGV[1])
        if not due or tonumber(due) > now_ms() then
          return 0
        end
        redis.call('ZREM', KEYS[1], ARGV[1])
        local size = redis.call('STRLEN', KEYS[2])
        redis.call('DEL', KEYS[2])
        if size > 0 then
          redis.call('DECRBY', KEYS[3], size)
        end
        if redis.call('EXISTS', KEYS[4]) == 1 then
          redis.call('HSET', KEYS[4], 'retryable', '0')
          changed(KEYS[4], ARGV[2], nil)
        end
        return 1
        """;

    /// <summary>
    /// Queues a dead-lettered job again, with fresh failure counts and its original document version (so it ends
    /// superseded if the document was submitted again meanwhile). KEYS: job, payload, dead, ready, retained.
    /// ARGV: id, job channel, wake channel. Returns 1 requeued, 0 not dead-lettered, -1 unknown job, -2 not retryable.
    /// </summary>
    public static readonly string Retry = Helpers + """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return -1
        end
        local job = redis.call('HMGET', KEYS[1], 'state', 'deadLettered', 'retryable', 'payloadBytes')
        if job[1] ~= 'Failed' or job[2] ~= '1' then
          return 0
        end
        if job[3] ~= '1' or (tonumber(job[4] or '0') > 0 and redis.call('EXISTS', KEYS[2]) == 0) then
          return -2
        end
        redis.call('LREM', KEYS[3], 0, ARGV[1])
        redis.call('ZREM', KEYS[5], ARGV[1])
        redis.call('PERSIST', KEYS[1])
        redis.call('HDEL', KEYS[1], 'error', 'completedAt', 'nextAttemptAt')
        redis.call('HSET', KEYS[1], 'state', 'Queued', 'deadLettered', '0', 'retryable', '0', 'failures', '0',
          'expiries', '0', 'deferrals', '0', 'updatedAt', now_ms())
        redis.call('RPUSH', KEYS[4], ARGV[1])
        changed(KEYS[1], ARGV[2], nil)
        redis.call('PUBLISH', ARGV[3], ARGV[1])
        return 1
        """;

    /// <summary>
    /// A consumer says it is alive; consumers silent for longer than the given age are forgotten.
    /// KEYS: workers. ARGV: consumer id, forget after milliseconds. Returns the server time.
    /// </summary>
    public static readonly string Heartbeat = Helpers + """
        local now = now_ms()
        redis.call('ZADD', KEYS[1], now, ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
        return now
        """;

    /// <summary>
    /// What health needs to know, read at one instant. KEYS: ready, delayed, leases, workers, processing.
    /// Returns {now, newest heartbeat or false, ready count, head id or false, due retries, expired leases, processing
    /// count, earliest due retry or false, earliest expired lease deadline or false}.
    /// </summary>
    public static readonly string Observe = Helpers + """
        local now = now_ms()
        local newest = redis.call('ZREVRANGE', KEYS[4], 0, 0, 'WITHSCORES')
        local due = redis.call('ZCOUNT', KEYS[2], '-inf', now)
        local expired = redis.call('ZCOUNT', KEYS[3], '-inf', now)
        local earliest_due = false
        if due > 0 then
          earliest_due = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')[2]
        end
        local earliest_expired = false
        if expired > 0 then
          earliest_expired = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')[2]
        end
        return {now, newest[2] or false, redis.call('LLEN', KEYS[1]), redis.call('LINDEX', KEYS[1], 0), due, expired,
          redis.call('LLEN', KEYS[5]), earliest_due, earliest_expired}
        """;
}
