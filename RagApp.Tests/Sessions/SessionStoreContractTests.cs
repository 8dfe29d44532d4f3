using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Rag.Answers;
using RagApp.Rag.Retrieval;
using RagApp.Rag.Sessions;
using RagApp.Tests.Queue;
using RagApp.Tests.Support;
using StackExchange.Redis;

namespace RagApp.Tests.Sessions;

/// <summary>
/// The session store against every server RagApp runs on: turns come back in order, capped to the newest, the expiry
/// is set by writes and restarted by reads, an expired session reads empty, and an unreadable entry costs only itself.
/// Each test has a session of its own on the fixture's server.
/// </summary>
public abstract class SessionStoreContractTests(QueueServerFixture server) : IDisposable
{
    private const int Timeout = 60_000;
    private static readonly TimeSpan Expiry = TimeSpan.FromMinutes(5);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose()
    {
        _services.Dispose();
        GC.SuppressFinalize(this);
    }

    [Fact(Timeout = Timeout)]
    public async Task Turns_ComeBackOldestFirst_CappedToTheNewest_WithTheExpirySet()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = CreateStore(maxTurns: 3);
        var session = Guid.NewGuid();
        var turns = Enumerable.Range(1, 5).Select(i => new ConversationTurn($"question {i}", $"retrieval {i} \"quoted\" Grüße", $"answer {i} [1]")).ToList();

        Assert.Empty(await store.LoadAsync(session, cancellationToken));
        foreach (var turn in turns)
        {
            await store.AppendAsync(session, turn, cancellationToken);
        }

        Assert.Equal(turns[2..], await store.LoadAsync(session, cancellationToken));
        Assert.Equal(3, await Redis.ListLengthAsync(RedisSessionStore.KeyFor(session)));
        AssertFreshExpiry(await Redis.KeyTimeToLiveAsync(RedisSessionStore.KeyFor(session)));
    }

    [Fact(Timeout = Timeout)]
    public async Task Read_RestartsTheExpiry()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = CreateStore();
        var session = Guid.NewGuid();
        var key = RedisSessionStore.KeyFor(session);
        await store.AppendAsync(session, new ConversationTurn("q", "q", "a"), cancellationToken);
        await Redis.KeyExpireAsync(key, TimeSpan.FromSeconds(30));

        await store.LoadAsync(session, cancellationToken);

        AssertFreshExpiry(await Redis.KeyTimeToLiveAsync(key));
    }

    [Fact(Timeout = Timeout)]
    public async Task IdleSession_Expires_AndThenReadsEmpty()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = CreateStore(expiry: TimeSpan.FromSeconds(1));
        var session = Guid.NewGuid();
        await store.AppendAsync(session, new ConversationTurn("q", "q", "a"), cancellationToken);

        await Eventually.UntilAsync(async () => !await Redis.KeyExistsAsync(RedisSessionStore.KeyFor(session)),
            "the idle session to expire", TimeSpan.FromSeconds(30), cancellationToken);

        Assert.Empty(await store.LoadAsync(session, cancellationToken));
    }

    [Fact(Timeout = Timeout)]
    public async Task UnreadableEntry_IsSkipped_TheOthersAreKept()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var store = CreateStore();
        var session = Guid.NewGuid();
        var good = new ConversationTurn("q", "q", "a");
        await store.AppendAsync(session, good, cancellationToken);
        await Redis.ListRightPushAsync(RedisSessionStore.KeyFor(session), "{not json");
        await Redis.ListRightPushAsync(RedisSessionStore.KeyFor(session), "{\"question\":\"only a question\"}");
        await store.AppendAsync(session, good, cancellationToken);

        Assert.Equal([good, good], await store.LoadAsync(session, cancellationToken));
    }

    [Fact(Timeout = Timeout)]
    public async Task KeyOfAnotherType_ReadsEmpty_AndIsCountedAsAFailure()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var failures = new MetricCollector<long>(_services.GetRequiredService<IMeterFactory>(), "RagApp.Rag", "ragapp.rag.session.store.failures");
        var store = CreateStore();
        var session = Guid.NewGuid();
        await Redis.StringSetAsync(RedisSessionStore.KeyFor(session), "a string, not a list");

        Assert.Empty(await store.LoadAsync(session, cancellationToken));
        await store.AppendAsync(session, new ConversationTurn("q", "q", "a"), cancellationToken);

        Assert.Equal(["append", "load"], failures.GetMeasurementSnapshot().Select(measurement => (string?)measurement.Tags["operation"]).Order());
        Assert.All(failures.GetMeasurementSnapshot(), measurement => Assert.Equal("error", measurement.Tags["reason"]));
    }

    private IDatabase Redis
    {
        get
        {
            Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
            return server.Redis.GetDatabase();
        }
    }

    private RedisSessionStore CreateStore(int maxTurns = 10, TimeSpan? expiry = null)
    {
        Assert.SkipWhen(server.SkipReason is not null, server.SkipReason ?? "");
        var options = new SessionStoreOptions { MaxTurns = maxTurns, Expiry = expiry ?? Expiry, Timeout = TimeSpan.FromSeconds(30) };
        return new RedisSessionStore(() => server.Redis, Options.Create(options), new QueryTelemetry(_services.GetRequiredService<IMeterFactory>()),
            TimeProvider.System, NullLogger<RedisSessionStore>.Instance);
    }

    private static void AssertFreshExpiry(TimeSpan? timeToLive)
    {
        Assert.NotNull(timeToLive);
        Assert.InRange(timeToLive.Value, Expiry - TimeSpan.FromSeconds(20), Expiry);
    }
}
