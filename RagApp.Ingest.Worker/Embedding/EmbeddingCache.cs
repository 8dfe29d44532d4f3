using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using RagApp.Core.Redis;
using StackExchange.Redis;

namespace RagApp.Ingest.Worker.Embedding;

/// <summary>
/// Vectors in Redis under <c>emb:{model}:{sha256 of the embedded text}</c>, as little-endian float32.
/// Keyed by model so that switching models never serves a vector of the wrong space.
/// </summary>
internal sealed class EmbeddingCache(IConnectionMultiplexer redis, IOptions<EmbeddingCacheOptions> options)
{
    public bool Enabled => options.Value.Enabled;

    public static RedisKey KeyFor(string model, string text) =>
        $"{RedisKeys.EmbeddingPrefix}{model}:{Core.Documents.ContentHash.Of(text)}";

    /// <summary>The cached vector of each text, or null where there is none (or one of another dimension).</summary>
    public async Task<float[]?[]> GetManyAsync(string model, int dimensions, IReadOnlyList<string> texts)
    {
        var results = new float[]?[texts.Count];
        if (!Enabled || texts.Count == 0)
        {
            return results;
        }

        // One MGET per hash slot: a Redis Cluster refuses an MGET across slots, and these keys are spread over all of
        // them on purpose (the cache is the largest data set in Redis). A single Redis has no slots: one MGET.
        var keys = texts.Select(text => KeyFor(model, text)).ToArray();
        var database = redis.GetDatabase();
        var reads = Enumerable.Range(0, keys.Length)
            .GroupBy(index => redis.HashSlot(keys[index]))
            .Select(async slot =>
            {
                var indexes = slot.ToArray();
                var values = await database.StringGetAsync(Array.ConvertAll(indexes, index => keys[index]));
                return (indexes, values);
            });
        foreach (var (indexes, values) in await Task.WhenAll(reads))
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i].HasValue && (byte[]?)values[i] is { } bytes && bytes.Length == dimensions * sizeof(float))
                {
                    results[indexes[i]] = MemoryMarshal.Cast<byte, float>(bytes).ToArray();
                }
            }
        }

        return results;
    }

    /// <summary>
    /// Stores the vector without waiting for Redis to answer: the cache is an optimisation, a lost write only means
    /// that text is embedded again some day, and not awaiting 1 reply per chunk saves the worker the CPU the model needs.
    /// </summary>
    public void Set(string model, string text, ReadOnlyMemory<float> vector)
    {
        if (!Enabled)
        {
            return;
        }

        try
        {
            redis.GetDatabase().StringSet(
                KeyFor(model, text), MemoryMarshal.AsBytes(vector.Span).ToArray(), options.Value.TimeToLive, flags: CommandFlags.FireAndForget);
        }
        catch (RedisConnectionException)
        {
            // Redis is away (fail-fast while disconnected): the text is embedded again next time, nothing else is lost.
        }
    }
}
