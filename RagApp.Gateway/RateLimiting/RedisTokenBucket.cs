using System.Globalization;
using RagApp.Core.Redis;
using StackExchange.Redis;

namespace RagApp.Gateway.RateLimiting;

/// <summary>
/// A token bucket per key in Redis, taken from atomically by one Lua script, so that every gateway replica draws on
/// the same bucket. The time is the gateway's (<see cref="TimeProvider"/>; replicas' clocks agree far closer than a
/// token's worth of time at any sensible limit, and a clock behind the bucket's stamp never takes tokens back). A bucket
/// expires once it would be full again, so idle clients cost nothing.
/// </summary>
internal sealed class RedisTokenBucket(IConnectionMultiplexer redis, TimeProvider timeProvider)
{
    // KEYS[1] bucket; ARGV: capacity, tokens per millisecond, now (ms), tokens wanted. Returns {granted, wait ms, tokens left}:
    // as many as wanted while whole tokens are there (at least one), none and the wait for one otherwise.
    private const string TakeScript = """
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local now = tonumber(ARGV[3])
        local wanted = tonumber(ARGV[4])
        local state = redis.call('HMGET', KEYS[1], 't', 'ts')
        local tokens = tonumber(state[1])
        local stamp = tonumber(state[2])
        if tokens == nil or stamp == nil then
          tokens = capacity
          stamp = now
        end
        if now > stamp then
          tokens = math.min(capacity, tokens + (now - stamp) * rate)
          stamp = now
        end
        local granted = 0
        local wait = 0
        if tokens >= 1 then
          granted = math.min(wanted, math.floor(tokens))
          tokens = tokens - granted
        else
          wait = math.ceil((1 - tokens) / rate)
        end
        redis.call('HSET', KEYS[1], 't', string.format('%.6f', tokens), 'ts', string.format('%d', stamp))
        redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
        return {granted, wait, math.floor(tokens)}
        """;

    public static RedisKey KeyOf(string policy, string client) => $"{RedisKeys.RateLimitPrefix}{policy}:{client}";

    /// <summary>
    /// Takes up to <paramref name="wanted"/> tokens (at least one, or none) from the bucket <paramref name="key"/> of
    /// <paramref name="burst"/> tokens refilled at <paramref name="permitsPerMinute"/>.
    /// </summary>
    /// <exception cref="RedisException">Redis is unreachable or refused the script; the caller decides what that means.</exception>
    public async Task<RateLimitDecision> TakeAsync(RedisKey key, int permitsPerMinute, int burst, int wanted = 1)
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var perMillisecond = permitsPerMinute / 60_000.0;
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(
            TakeScript,
            [key],
            [burst, perMillisecond.ToString("R", CultureInfo.InvariantCulture), now, wanted]))!;
        return new RateLimitDecision((int)(long)result[0], TimeSpan.FromMilliseconds((long)result[1]), (long)result[2]);
    }
}
