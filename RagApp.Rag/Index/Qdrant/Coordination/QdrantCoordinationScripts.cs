namespace RagApp.Rag.Index.Qdrant.Coordination;

/// <summary>The coordination's atomic steps (KEYS declares every key touched, as Garnet's LuaTransactionMode needs).</summary>
internal static class QdrantCoordinationScripts
{
    /// <summary>
    /// KEYS[1] the generation counter, KEYS[2] the document's hash (version, generation); ARGV[1] the incoming version,
    /// ARGV[2] the version the registry holds, ARGV[3] the generation the registry last recorded. Returns
    /// {generation, held version}, generation 0 when the write is superseded. The floor keeps generations increasing
    /// should Redis lose the counter: the registry's record of the last one outlives it.
    /// </summary>
    public const string Claim = """
        local held = tonumber(redis.call('HGET', KEYS[2], 'version') or '0')
        local stored = tonumber(ARGV[2])
        if stored > held then held = stored end
        local incoming = tonumber(ARGV[1])
        if incoming > 0 and incoming < held then
          return {0, held}
        end
        local generation = redis.call('INCR', KEYS[1])
        local floor = tonumber(ARGV[3])
        if generation <= floor then
          generation = floor + 1
          redis.call('SET', KEYS[1], generation)
        end
        if incoming > held then held = incoming end
        redis.call('HSET', KEYS[2], 'version', held, 'generation', generation)
        return {generation, held}
        """;
}
