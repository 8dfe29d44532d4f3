namespace RagApp.Core.Queue;

/// <summary>
/// Moves one key of the queue's former layout (no hash tag: <c>queue:ingest:ready</c>, <c>job:&lt;id&gt;</c>) to its
/// current name, atomically, merging with what the current key already holds (a process of this version may have
/// queued jobs before the move ran). KEYS: the former key, the current key; both in one slot, which a Redis without
/// slots (the only place the former layout could run) always satisfies.
/// </summary>
internal static class LegacyQueueKeyScripts
{
    /// <summary>
    /// ARGV[1] how to merge: 'front' a list whose entries go before the current ones (older jobs lease first), 'back' a
    /// list whose entries go after them (the dead letters, newest first), 'zset' members added unless present, 'sum'
    /// a counter added to the current one, 'document' a document record whose version and deleted mark each keep the
    /// higher value, 'keep' the current key wins (a job's hash or payload). A key that does not exist under its current
    /// name is renamed whatever the mode (keeping its TTL). Returns 1 when the former key was moved, 0 when it was gone.
    /// </summary>
    public const string Move = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return 0
        end
        if redis.call('EXISTS', KEYS[2]) == 0 then
          redis.call('RENAME', KEYS[1], KEYS[2])
          return 1
        end
        local mode = ARGV[1]
        if mode == 'front' then
          local entries = redis.call('LRANGE', KEYS[1], 0, -1)
          for i = #entries, 1, -1 do
            redis.call('LPUSH', KEYS[2], entries[i])
          end
        elseif mode == 'back' then
          local entries = redis.call('LRANGE', KEYS[1], 0, -1)
          for i = 1, #entries do
            redis.call('RPUSH', KEYS[2], entries[i])
          end
        elseif mode == 'zset' then
          local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
          for i = 1, #members, 2 do
            redis.call('ZADD', KEYS[2], 'NX', members[i + 1], members[i])
          end
        elseif mode == 'sum' then
          redis.call('INCRBY', KEYS[2], tonumber(redis.call('GET', KEYS[1]) or '0'))
        elseif mode == 'document' then
          for _, field in ipairs({'version', 'deleted'}) do
            local former = redis.call('HGET', KEYS[1], field)
            local current = redis.call('HGET', KEYS[2], field)
            if former and (not current or tonumber(former) > tonumber(current)) then
              redis.call('HSET', KEYS[2], field, former)
            end
          end
        end
        redis.call('DEL', KEYS[1])
        return 1
        """;
}
