namespace RagApp.Gateway.Caching;

/// <summary>
/// The cache's store, one atomic script. It keeps the total of all entries' bytes within a bound:
/// <c>cache:{answer}:entries</c> (a sorted set of entry keys scored by their expiry, so the oldest come first),
/// <c>cache:{answer}:sizes</c> (each entry's bytes) and <c>cache:{answer}:bytes</c> (their sum). Garnet's
/// LuaTransactionMode locks exactly the keys in KEYS, and a Redis Cluster routes by them (all in the <c>{answer}</c>
/// slot), so the script touches only those: the entries it evicts are returned, and the caller deletes them. Every key gets a TTL; the bookkeeping's
/// is renewed with each store, so it outlives the entries it counts. Only integer arithmetic (Redis Lua 5.1, Garnet 5.4).
/// </summary>
internal static class QueryCacheScripts
{
    /// <summary>
    /// KEYS[1] the entry, KEYS[2] cache:{answer}:entries, KEYS[3] cache:{answer}:sizes, KEYS[4] cache:{answer}:bytes;
    /// ARGV[1] the value, ARGV[2] the TTL in ms, ARGV[3] now in unix ms, ARGV[4] the bound in bytes. Returns the keys of the entries evicted to make room.
    /// </summary>
    public const string Store = """
        local ttl = tonumber(ARGV[2])
        local now = tonumber(ARGV[3])
        local bound = tonumber(ARGV[4])
        local size = string.len(ARGV[1]) + string.len(KEYS[1])
        local function forget(member)
          local bytes = tonumber(redis.call('HGET', KEYS[3], member) or '0')
          redis.call('HDEL', KEYS[3], member)
          redis.call('ZREM', KEYS[2], member)
          redis.call('DECRBY', KEYS[4], bytes)
        end
        -- An entry stored again replaces its own bytes.
        if redis.call('HEXISTS', KEYS[3], KEYS[1]) == 1 then
          forget(KEYS[1])
        end
        -- Entries past their expiry are gone already; only their bookkeeping is left.
        local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, 256)
        for _, member in ipairs(expired) do
          forget(member)
        end
        local evicted = {}
        local total = tonumber(redis.call('GET', KEYS[4]) or '0')
        while total + size > bound do
          local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)
          if #oldest == 0 then
            -- Nothing is counted any more: a sum left over (a flush between two stores) is reset.
            redis.call('SET', KEYS[4], 0)
            total = 0
            break
          end
          forget(oldest[1])
          evicted[#evicted + 1] = oldest[1]
          total = tonumber(redis.call('GET', KEYS[4]) or '0')
        end
        if total + size <= bound then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
          redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
          redis.call('HSET', KEYS[3], KEYS[1], size)
          redis.call('INCRBY', KEYS[4], size)
        end
        redis.call('PEXPIRE', KEYS[2], ttl)
        redis.call('PEXPIRE', KEYS[3], ttl)
        redis.call('PEXPIRE', KEYS[4], ttl)
        return evicted
        """;
}
