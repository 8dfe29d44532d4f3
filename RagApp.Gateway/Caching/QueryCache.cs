using System.Diagnostics.CodeAnalysis;
using Google.Protobuf;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RagApp.Core.Redis;
using StackExchange.Redis;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Caching;

/// <summary>
/// Answers cached in Redis under <see cref="QueryCacheKey"/>: a whole answer as RagApp.Rag's <c>QueryResponse</c>, a
/// stream as its events (sources, deltas, completed), both in protobuf. The key holds the index generation token the
/// gateway knew when the question arrived (<see cref="IndexGenerationWatcher"/>), so a write to the index makes every
/// older entry unreachable at once; nothing is ever invalidated by hand. Questions of a conversation are never cached.
/// Redis trouble never fails a question: a lookup that fails is a bypass, a store that fails is dropped.
/// </summary>
internal sealed partial class QueryCache(
    IConnectionMultiplexer redis,
    IndexGenerationWatcher watcher,
    LocalAnswerCache local,
    IOptions<JsonOptions> json,
    QueryCacheTelemetry telemetry,
    IOptionsMonitor<QueryCacheOptions> options,
    TimeProvider timeProvider,
    ILogger<QueryCache> logger)
{
    public const string EntriesKey = QueryCacheKey.EntryPrefix + "entries";
    public const string SizesKey = QueryCacheKey.EntryPrefix + "sizes";
    public const string BytesKey = QueryCacheKey.EntryPrefix + "bytes";

    private const int FlushBatch = 500;

    /// <summary>The KEYS of <see cref="QueryCacheScripts.Store"/>: the entry and the bookkeeping, all in the {answer} slot.</summary>
    public static RedisKey[] StoreKeys(string entryKey) => [entryKey, EntriesKey, SizesKey, BytesKey];

    public async ValueTask<QueryCacheLookup> LookupAsync(Rpc.QueryRequest request, bool stream, CancellationToken cancellationToken)
    {
        if (Bypasses(request, out var token, out var reason))
        {
            telemetry.RecordBypass(stream, reason);
            return QueryCacheLookup.Bypassed;
        }

        var canonical = QueryCacheKey.Canonical(request, stream, token);
        var redisKey = QueryCacheKey.Of(canonical);
        if (local.TryGet(canonical, out var held))
        {
            return stream
                ? new QueryCacheLookup(redisKey, token) { Events = (IReadOnlyList<Rpc.QueryStreamEvent>)held }
                : new QueryCacheLookup(redisKey, token) { Answer = (PreparedAnswer)held };
        }

        RedisValueWithExpiry found;
        try
        {
            found = await redis.GetDatabase().StringGetWithExpiryAsync(redisKey).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Redis down, slow or refusing: the question is answered without the cache, never failed by it.
            telemetry.RecordBypass(stream, "redis_unavailable");
            LogUnavailable("lookup", exception.Message);
            return QueryCacheLookup.Bypassed;
        }

        if ((byte[]?)found.Value is { } value)
        {
            try
            {
                if (stream)
                {
                    var events = ReadEvents(value);
                    local.Set(canonical, events, value.Length + (2L * canonical.Length), found.Expiry);
                    return new QueryCacheLookup(redisKey, token) { Events = events };
                }

                var answer = PreparedAnswer.From(Rpc.QueryResponse.Parser.ParseFrom(value), json.Value.SerializerOptions);
                local.Set(canonical, answer, answer.Size + (2L * canonical.Length), found.Expiry);
                return new QueryCacheLookup(redisKey, token) { Answer = answer };
            }
            catch (Exception exception) when (exception is InvalidProtocolBufferException or InvalidDataException)
            {
                // Written by hand or by another version: answered afresh, and the store below replaces it.
                LogUnreadable(redisKey, exception.Message);
            }
        }

        telemetry.RecordMiss(stream);
        return new QueryCacheLookup(redisKey, token) { Request = request };
    }

    /// <summary>
    /// The whole answer this gateway holds in its own memory for <paramref name="request"/>, if any, under the same
    /// conditions as <see cref="LookupAsync"/>; nothing is counted, because a question not found here goes on to
    /// <see cref="LookupAsync"/>, which counts it.
    /// </summary>
    public bool TryGetHeld(Rpc.QueryRequest request, [NotNullWhen(true)] out PreparedAnswer? answer)
    {
        answer = null;
        if (Bypasses(request, out var token, out _))
        {
            return false;
        }

        if (local.TryGet(QueryCacheKey.Canonical(request, stream: false, token), out var held))
        {
            answer = (PreparedAnswer)held;
        }

        return answer is not null;
    }

    /// <summary>
    /// Whether <paramref name="request"/> goes around the cache, and why (the bypass counter's reason); otherwise the
    /// index generation token its key is made with. One rule for every lookup, the fast path's included.
    /// </summary>
    private bool Bypasses(Rpc.QueryRequest request, [NotNullWhen(false)] out IndexGenerationToken? token, [NotNullWhen(true)] out string? reason)
    {
        token = null;
        reason = !options.CurrentValue.Enabled ? "disabled"
            // A follow-up's answer depends on the conversation, and a hit would keep RagApp.Rag from recording the turn.
            : request.SessionId.Length > 0 ? "session"
            : (token = watcher.Current) is null ? "token_unknown"
            : null;
        return reason is not null;
    }

    public void RecordHit(bool stream, TimeSpan latency) => telemetry.RecordHit(stream, latency);

    /// <summary>A question answered by RagApp.Rag: its latency counts as a miss's when the cache was looked up.</summary>
    public void RecordAnswered(QueryCacheLookup lookup, bool stream, TimeSpan latency)
    {
        if (lookup.Key is not null)
        {
            telemetry.RecordMissAnswered(stream, latency);
        }
    }

    /// <summary>Stores a whole answer RagApp.Rag gave (only a successful one is ever passed here).</summary>
    public Task StoreAnswerAsync(QueryCacheLookup lookup, Rpc.QueryResponse response) =>
        StoreAsync(lookup, stream: false, response.IndexGeneration, () => response.ToByteArray());

    /// <summary>Stores a stream's events, from its sources to its completion (only a complete stream is ever passed here).</summary>
    public Task StoreStreamAsync(QueryCacheLookup lookup, IReadOnlyList<Rpc.QueryStreamEvent> events, long generation) =>
        StoreAsync(lookup, stream: true, generation, () => WriteEvents(events));

    /// <summary>Deletes every cache key (entries and bookkeeping), by SCAN in batches: never the other roles' keys.</summary>
    public async Task<long> FlushAsync(CancellationToken cancellationToken)
    {
        long deleted = 0;
        foreach (var server in redis.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            var batch = new List<RedisKey>(FlushBatch);
            await foreach (var key in server.KeysAsync(pattern: RedisKeys.CachePrefix + "*", pageSize: FlushBatch).WithCancellation(cancellationToken))
            {
                batch.Add(key);
                if (batch.Count == FlushBatch)
                {
                    deleted += await DeleteAsync(batch);
                    batch.Clear();
                }
            }

            if (batch.Count > 0)
            {
                deleted += await DeleteAsync(batch);
            }
        }

        // Other gateways' own copies go within their LocalTimeToLive.
        local.Clear();
        LogFlushed(deleted);
        return deleted;
    }

    /// <summary>
    /// One DEL per hash slot: a Redis Cluster refuses a DEL whose keys span slots, and keys left by an older layout (or a
    /// node's SCAN of several slots) may.
    /// </summary>
    private async Task<long> DeleteAsync(List<RedisKey> keys)
    {
        var database = redis.GetDatabase();
        var counts = await Task.WhenAll(keys.GroupBy(key => redis.HashSlot(key)).Select(slot => database.KeyDeleteAsync([.. slot])));
        return counts.Sum();
    }

    private async Task StoreAsync(QueryCacheLookup lookup, bool stream, long generation, Func<byte[]> encode)
    {
        watcher.Observe(generation);
        if (lookup.Key is not { } key || lookup.Token is not { } token)
        {
            return;
        }

        // An answer computed before the generation the key names would be served as that generation's: never stored.
        if (generation < token.Generation)
        {
            return;
        }

        // Computed at a later generation than the gateway knew when the question came (the announcement was still on its
        // way): stored under that generation's key, which Observe above has just made the current one, so the next
        // identical question finds it.
        if (generation > token.Generation && lookup.Request is { } request)
        {
            key = QueryCacheKey.For(request, stream, token with { Generation = generation });
        }

        var settings = options.CurrentValue;
        var value = encode();
        if (value.Length > settings.MaxEntryBytes)
        {
            LogTooLarge(value.Length, settings.MaxEntryBytes);
            return;
        }

        try
        {
            var database = redis.GetDatabase();
            var evicted = (RedisResult[]?)await database.ScriptEvaluateAsync(
                QueryCacheScripts.Store,
                StoreKeys(key),
                [value, (long)settings.TimeToLive.TotalMilliseconds, timeProvider.GetUtcNow().ToUnixTimeMilliseconds(), settings.MaxTotalBytes]);
            telemetry.RecordStored(stream);
            if (evicted is { Length: > 0 })
            {
                // Out of the bookkeeping already; until this delete runs they are still valid answers.
                await database.KeyDeleteAsync([.. evicted.Select(entry => (RedisKey)(string?)entry)], CommandFlags.FireAndForget);
            }
        }
        catch (Exception exception)
        {
            // The answer is given either way; a store that fails is only a later miss.
            LogUnavailable("store", exception.Message);
        }
    }

    private static byte[] WriteEvents(IReadOnlyList<Rpc.QueryStreamEvent> events)
    {
        using var buffer = new MemoryStream();
        foreach (var streamEvent in events)
        {
            streamEvent.WriteDelimitedTo(buffer);
        }

        return buffer.ToArray();
    }

    private static List<Rpc.QueryStreamEvent> ReadEvents(byte[] value)
    {
        using var buffer = new MemoryStream(value, writable: false);
        var events = new List<Rpc.QueryStreamEvent>();
        while (buffer.Position < buffer.Length)
        {
            events.Add(Rpc.QueryStreamEvent.Parser.ParseDelimitedFrom(buffer));
        }

        // A stream replays from its sources to its completion, or not at all.
        if (events.Count < 2
            || events[0].EventCase != Rpc.QueryStreamEvent.EventOneofCase.Sources
            || events[^1].EventCase != Rpc.QueryStreamEvent.EventOneofCase.Completed)
        {
            throw new InvalidDataException("The cached stream does not run from sources to completed.");
        }

        return events;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Query cache {Operation} skipped, Redis unavailable: {Reason}")]
    private partial void LogUnavailable(string operation, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query cache entry {Key} unreadable, answered afresh: {Reason}")]
    private partial void LogUnreadable(string key, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Answer of {Bytes} bytes not cached: entries are at most {MaxBytes} bytes")]
    private partial void LogTooLarge(int bytes, int maxBytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Query cache flushed: {Keys} keys deleted")]
    private partial void LogFlushed(long keys);
}
