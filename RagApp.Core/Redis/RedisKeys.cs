namespace RagApp.Core.Redis;

/// <summary>
/// Every Redis key RagApp uses, in one place. Each role has its own prefix so that one Redis can
/// serve all of them and an operator can tell at a glance what a key is for.
/// </summary>
public static class RedisKeys
{
    /// <summary>
    /// The gateway's query cache: <c>cache:{answer}:&lt;hash&gt;</c> entries and their bookkeeping
    /// (<c>cache:{answer}:entries</c>, <c>cache:{answer}:sizes</c>, <c>cache:{answer}:bytes</c>); every key under it has
    /// a TTL and may be deleted at any time (RagApp.Gateway/Caching/QueryCache.cs).
    /// </summary>
    public const string CachePrefix = "cache:";

    /// <summary>
    /// The index generation token RagApp.Rag publishes after every index write and at start-up
    /// (<see cref="IndexGenerationToken"/>): the key holds the latest, the channel of the same name announces each.
    /// </summary>
    public const string IndexGeneration = "index:generation";

    /// <summary>
    /// The ingest job queue and its processing, delayed and dead-letter lists: <c>queue:{ingest}:ready</c>, ... (layout:
    /// <see cref="Queue.IngestQueueKeys"/>).
    /// </summary>
    public const string QueuePrefix = "queue:";

    /// <summary>
    /// Job status hashes, their payloads and change notifications: <c>job:{ingest}:&lt;id&gt;</c>, ... (layout:
    /// <see cref="Queue.IngestQueueKeys"/>), in the slot of their queue.
    /// </summary>
    public const string JobPrefix = "job:";

    /// <summary>Embedding cache, keyed by model and content hash.</summary>
    public const string EmbeddingPrefix = "emb:";

    /// <summary>Conversation sessions: <c>session:{id}</c>, a list of the turns' JSON, capped and expiring (RagApp.Rag/Sessions/RedisSessionStore.cs).</summary>
    public const string SessionPrefix = "session:";

    /// <summary>
    /// The gateway's rate-limit buckets: <c>rate:{policy}:{client}</c>, a hash of tokens and the time they were counted,
    /// expiring once full again (RagApp.Gateway/RateLimiting/RedisTokenBucket.cs).
    /// </summary>
    public const string RateLimitPrefix = "rate:";

    /// <summary>
    /// A Redis Cluster hash tag: a key holding <c>{name}</c> hashes by <c>name</c> alone, so every key with the same tag
    /// lands in one slot and a script may touch them together. Only the first braces of a key count, so the tag goes
    /// before any id a client chose.
    /// </summary>
    public static string HashTag(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.AsSpan().IndexOfAny('{', '}') >= 0)
        {
            throw new ArgumentException("A hash tag's name holds no braces.", nameof(name));
        }

        return "{" + name + "}";
    }
}
