using Microsoft.Extensions.Options;
using RagApp.Core.Redis;
using RagApp.Gateway.Caching;
using RagApp.Tests.Support;
using StackExchange.Redis;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Tests.Gateway.Caching;

/// <summary>
/// The cache's own bound on a real Garnet: storing past <see cref="QueryCacheOptions.MaxTotalBytes"/> evicts the oldest
/// entries first and keeps the sum within the bound, an answer over <see cref="QueryCacheOptions.MaxEntryBytes"/> is not
/// stored, and every cache key carries a TTL.
/// </summary>
public sealed class QueryCacheBoundTests : IAsyncLifetime
{
    private const int Timeout = 60_000;
    private const long Bound = 64 * 1024;
    private const int AnswerBytes = 4000;

    private QueryCacheOverGarnet? _harness;

    public async ValueTask InitializeAsync() =>
        _harness = await QueryCacheOverGarnet.StartAsync(new IndexGenerationToken("bound-test", 5), options =>
        {
            options.MaxTotalBytes = Bound;
            options.MaxEntryBytes = 16 * 1024;
        }, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task StoringPastTheBound_EvictsTheOldestFirst_AndKeepsTheTotalWithinIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cache = CreateCache();
        var keys = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var lookup = await cache.LookupAsync(Question($"question number {i}"), stream: false, cancellationToken);
            Assert.NotNull(lookup.Key);
            keys.Add(lookup.Key);
            await cache.StoreAnswerAsync(lookup, Answer(AnswerBytes));
            var counted = (long)await Database.StringGetAsync(QueryCache.BytesKey);
            Assert.True(counted <= Bound, $"after {i + 1} stores the cache counts {counted} bytes; the bound is {Bound}");
        }

        // The evicted entries are deleted right after the store that evicted them.
        var kept = await Eventually.MatchAsync(
            async () => (await Task.WhenAll(keys.Select(key => Database.KeyExistsAsync(key)))).ToList(),
            exists => exists.Count(present => present) == (int)Database.SortedSetLength(QueryCache.EntriesKey),
            "the evicted entries to be deleted", TimeSpan.FromSeconds(30), cancellationToken);
        var storedBytes = 0L;
        for (var i = 0; i < keys.Count; i++)
        {
            if (kept[i])
            {
                storedBytes += await Database.StringLengthAsync(keys[i]) + keys[i].Length;
            }
        }

        Assert.True(storedBytes <= Bound, $"{storedBytes} bytes of entries are kept; the bound is {Bound}");
        Assert.Equal(storedBytes, (long)await Database.StringGetAsync(QueryCache.BytesKey));
        // Oldest first: what is kept is the latest run of stores.
        var firstKept = kept.IndexOf(true);
        Assert.True(firstKept > 0, "nothing was evicted");
        Assert.All(kept.Skip(firstKept), Assert.True);
        foreach (var key in keys.Where((_, i) => kept[i]).Append(QueryCache.EntriesKey).Append(QueryCache.SizesKey).Append(QueryCache.BytesKey))
        {
            Assert.True(await Database.KeyTimeToLiveAsync(key) is { } ttl && ttl > TimeSpan.Zero, $"cache key {key} has no TTL");
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task AnswerLargerThanTheEntryLimit_IsNotStored()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cache = CreateCache();
        var lookup = await cache.LookupAsync(Question("a question with a very long answer"), stream: false, cancellationToken);

        await cache.StoreAnswerAsync(lookup, Answer(20 * 1024));

        Assert.False(await Database.KeyExistsAsync(lookup.Key!));
        var small = await cache.LookupAsync(Question("a question with a short answer"), stream: false, cancellationToken);
        await cache.StoreAnswerAsync(small, Answer(100));
        Assert.NotNull((await cache.LookupAsync(Question("a question with a short answer"), stream: false, cancellationToken)).Answer);
    }

    private IDatabase Database => _harness!.Redis.GetDatabase();

    // No local copy: what these tests look at is what Redis holds.
    private QueryCache CreateCache() =>
        _harness!.CreateCache(new LocalAnswerCache(Options.Create(new QueryCacheOptions { LocalTimeToLive = TimeSpan.Zero }), TimeProvider.System), TimeProvider.System);

    private static Rpc.QueryRequest Question(string text) => new() { Question = text, MaxResults = 5 };

    private static Rpc.QueryResponse Answer(int bytes) => new() { Answer = new string('a', bytes), IndexGeneration = 5, Answerer = "extractive" };
}
