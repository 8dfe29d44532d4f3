using RagApp.Rag.Index.Generation;
using StackExchange.Redis;

namespace RagApp.Rag.Index.Qdrant.Coordination;

/// <summary>
/// Coordination in the shared Redis, so that any number of RagApp.Rag replicas can write one Qdrant collection. Keys
/// (the collection name in braces, a Redis Cluster hash tag, keeps one collection's keys in one slot):
/// <c>index:{collection}:generation</c> the counter, <c>index:{collection}:document:{id}</c> a hash of the document's
/// held version and latest write's generation (kept after a delete, as the tombstone), and
/// <c>index:{collection}:lock:{id}</c> the document's registry lock, which expires by itself after
/// <see cref="LockLease"/> should its holder die; <c>index:{collection}:lifetime</c> the index's lifetime id, which every
/// replica publishes its generations under (a Redis that lost its data loses it too, and a new one is made: the
/// counter may then restart lower, from the registry's record).
/// </summary>
internal sealed class RedisQdrantWriteCoordinator(
    Func<IConnectionMultiplexer> connect,
    string collection,
    TimeSpan lockLease,
    TimeProvider timeProvider) : IQdrantWriteCoordinator, IIndexLifetime
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(2);
    private static readonly TimeSpan LastPoll = TimeSpan.FromMilliseconds(100);

    private readonly RedisKey _counter = $"index:{{{collection}}}:generation";

    public TimeSpan LockLease => lockLease;

    /// <summary>The first replica to ask makes it; every other one reads the same.</summary>
    public async Task<string> GetAsync(CancellationToken cancellationToken)
    {
        RedisKey key = $"index:{{{collection}}}:lifetime";
        await Database.StringSetAsync(key, Guid.NewGuid().ToString("N"), when: When.NotExists).WaitAsync(cancellationToken);
        return (await Database.StringGetAsync(key).WaitAsync(cancellationToken)).ToString();
    }

    public async Task<QdrantWriteClaim> ClaimAsync(string documentId, long incomingVersion, long storedVersion, long generationFloor, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await Database.ScriptEvaluateAsync(
            QdrantCoordinationScripts.Claim,
            ClaimKeys(documentId),
            [incomingVersion, storedVersion, generationFloor]).WaitAsync(cancellationToken))!;
        return new QdrantWriteClaim((long)result[0], (long)result[1]);
    }

    public async Task<long> LatestGenerationAsync(string documentId, CancellationToken cancellationToken)
    {
        var value = await Database.HashGetAsync(DocumentKey(documentId), "generation").WaitAsync(cancellationToken);
        return value.IsNull ? 0 : (long)value;
    }

    public async Task<long> CurrentGenerationAsync(CancellationToken cancellationToken)
    {
        var value = await Database.StringGetAsync(_counter).WaitAsync(cancellationToken);
        return value.IsNull ? 0 : (long)value;
    }

    /// <summary>Polls SET NX with a growing pause: the lock is held for one or two Qdrant requests, never longer.</summary>
    public async Task<IAsyncDisposable> LockDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        var key = (RedisKey)$"index:{{{collection}}}:lock:{documentId}";
        var token = (RedisValue)Guid.NewGuid().ToString("N");
        var pause = FirstPoll;
        while (!await Database.LockTakeAsync(key, token, lockLease).WaitAsync(cancellationToken))
        {
            await Task.Delay(pause, timeProvider, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, LastPoll.Ticks));
        }

        return new Release(Database, key, token);
    }

    /// <summary>The KEYS of <see cref="QdrantCoordinationScripts.Claim"/>: both in the collection's slot.</summary>
    public RedisKey[] ClaimKeys(string documentId) => [_counter, DocumentKey(documentId)];

    private IDatabase Database => connect().GetDatabase();

    private RedisKey DocumentKey(string documentId) => $"index:{{{collection}}}:document:{documentId}";

    private sealed class Release(IDatabase database, RedisKey key, RedisValue token) : IAsyncDisposable
    {
        // Only our own token is released: after a lease ran out the lock may be someone else's.
        public async ValueTask DisposeAsync() => await database.LockReleaseAsync(key, token);
    }
}
