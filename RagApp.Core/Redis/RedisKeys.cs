namespace RagApp.Core.Redis;

/// <summary>
/// Every Redis key RagApp uses, in one place. Each role has its own prefix so that one Redis can
/// serve all of them and an operator can tell at a glance what a key is for.
/// </summary>
public static class RedisKeys
{
    /// <summary>
    /// The gateway's query cache: <c>cache:answer:{hash}</c> entries and their bookkeeping (<c>cache:entries</c>,
    /// <c>cache:sizes</c>, <c>cache:bytes</c>); every key under it has a TTL and may be deleted at any time
    /// (RagApp.Gateway/Caching/QueryCache.cs).
    /// </summary>
    public const string CachePrefix = "cache:";

    /// <summary>
    /// The index generation token RagApp.Rag publishes after every index write and at start-up
    /// (<see cref="IndexGenerationToken"/>): the key holds the latest, the channel of the same name announces each.
    /// </summary>
    public const string IndexGeneration = "index:generation";

    /// <summary>The ingest job queue and its processing, delayed and dead-letter lists (layout: <see cref="Queue.IngestQueueKeys"/>).</summary>
    public const string QueuePrefix = "queue:";

    /// <summary>Job status hashes, their payloads and change notifications (layout: <see cref="Queue.IngestQueueKeys"/>).</summary>
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
}
