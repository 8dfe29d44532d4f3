using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RagApp.Core.Redis;
using RagApp.Gateway.Apis;
using RagApp.Gateway.Caching;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Tests.Gateway.Caching;

/// <summary>
/// The gateway's own copy of hot answers, in front of Redis (a real Garnet): a hit read from Redis is then answered
/// from memory, without Redis, for at most <see cref="QueryCacheOptions.LocalTimeToLive"/> (on the injected clock) and
/// never past the Redis entry's own expiry; a new index generation is a different key, so never served from the copy;
/// a flush empties it. The answer kept is the response's JSON, which must read exactly as the serialised response would.
/// </summary>
public sealed class LocalAnswerCacheTests : IAsyncLifetime
{
    private const int Timeout = 60_000;

    private static readonly JsonSerializerOptions GatewayJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-06-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private QueryCacheOverGarnet? _harness;

    public async ValueTask InitializeAsync() =>
        _harness = await QueryCacheOverGarnet.StartAsync(new IndexGenerationToken("local-test", 3), configure: null, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_harness is not null)
        {
            await _harness.DisposeAsync();
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task HitReadFromRedis_IsThenAnsweredFromMemory_UntilTheLocalLifetimeEnds()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cache = CreateCache(new QueryCacheOptions { LocalTimeToLive = TimeSpan.FromSeconds(5) });
        var question = Question("how do tides work?");
        await cache.StoreAnswerAsync(await cache.LookupAsync(question, stream: false, cancellationToken), Answer("The moon pulls the sea."));

        var fromRedis = await cache.LookupAsync(question, stream: false, cancellationToken);
        Assert.NotNull(fromRedis.Answer);
        // Gone from Redis: only the gateway's copy can still answer.
        Assert.True(await _harness!.Redis.GetDatabase().KeyDeleteAsync(fromRedis.Key!));

        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.Same(fromRedis.Answer, (await cache.LookupAsync(question, stream: false, cancellationToken)).Answer);
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null((await cache.LookupAsync(question, stream: false, cancellationToken)).Answer);
    }

    [Fact(Timeout = Timeout)]
    public async Task LocalCopy_NeverOutlivesTheRedisEntry()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cache = CreateCache(new QueryCacheOptions { LocalTimeToLive = TimeSpan.FromMinutes(10) });
        var question = Question("why is the sky blue?");
        var first = await cache.LookupAsync(question, stream: false, cancellationToken);
        await cache.StoreAnswerAsync(first, Answer("Short waves scatter more."));
        // The Redis entry has 30 s left when the gateway reads it.
        await _harness!.Redis.GetDatabase().KeyExpireAsync(first.Key!, TimeSpan.FromSeconds(30));

        Assert.NotNull((await cache.LookupAsync(question, stream: false, cancellationToken)).Answer);
        await _harness!.Redis.GetDatabase().KeyDeleteAsync(first.Key!);
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull((await cache.LookupAsync(question, stream: false, cancellationToken)).Answer);
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Null((await cache.LookupAsync(question, stream: false, cancellationToken)).Answer);
    }

    [Fact(Timeout = Timeout)]
    public async Task NewIndexGeneration_IsNotAnsweredFromTheLocalCopy()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cache = CreateCache(new QueryCacheOptions());
        var question = Question("what do bees make?");
        await cache.StoreAnswerAsync(await cache.LookupAsync(question, stream: false, cancellationToken), Answer("Honey.", generation: 3));
        Assert.NotNull((await cache.LookupAsync(question, stream: false, cancellationToken)).Answer);

        // An answer of a later generation moves the gateway's token on, as a write announced by RagApp.Rag would.
        _harness!.Watcher.Observe(4);

        var after = await cache.LookupAsync(question, stream: false, cancellationToken);
        Assert.Null(after.Answer);
        Assert.Equal(4, after.Token!.Generation);
    }

    [Fact(Timeout = Timeout)]
    public async Task AnswerOfALaterGenerationThanTheGatewayKnew_IsFoundByTheNextQuestion()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cache = CreateCache(new QueryCacheOptions { LocalTimeToLive = TimeSpan.Zero });
        var question = Question("what do owls eat?");
        var miss = await cache.LookupAsync(question, stream: false, cancellationToken);
        Assert.Equal(3, miss.Token!.Generation);

        // RagApp.Rag answered at generation 9: its announcement had not reached the gateway yet when the question came.
        await cache.StoreAnswerAsync(miss, Answer("Mice.", generation: 9));

        var next = await cache.LookupAsync(question, stream: false, cancellationToken);
        Assert.Equal(9, next.Token!.Generation);
        Assert.NotNull(next.Answer);
    }

    [Fact(Timeout = Timeout)]
    public async Task Flush_EmptiesTheLocalCopy()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cache = CreateCache(new QueryCacheOptions());
        var question = Question("where do rivers end?");
        await cache.StoreAnswerAsync(await cache.LookupAsync(question, stream: false, cancellationToken), Answer("In the sea."));
        Assert.NotNull((await cache.LookupAsync(question, stream: false, cancellationToken)).Answer);

        await cache.FlushAsync(cancellationToken);

        Assert.Null((await cache.LookupAsync(question, stream: false, cancellationToken)).Answer);
    }

    [Fact(Timeout = Timeout)]
    public async Task ZeroLocalLifetime_ReadsRedisEveryTime()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cache = CreateCache(new QueryCacheOptions { LocalTimeToLive = TimeSpan.Zero });
        var question = Question("what is rust?");
        await cache.StoreAnswerAsync(await cache.LookupAsync(question, stream: false, cancellationToken), Answer("Oxidised iron."));
        var hit = await cache.LookupAsync(question, stream: false, cancellationToken);
        Assert.NotNull(hit.Answer);

        await _harness!.Redis.GetDatabase().KeyDeleteAsync(hit.Key!);

        Assert.Null((await cache.LookupAsync(question, stream: false, cancellationToken)).Answer);
    }

    [Theory(Timeout = Timeout)]
    [InlineData(0.0421)]
    [InlineData(1234.5)]
    [InlineData(0.000003)]
    public void PreparedAnswer_ReadsAsTheSerialisedResponse_WithTheHitsLatency(double latencyMs)
    {
        Assert.False(TestContext.Current.CancellationToken.IsCancellationRequested);
        // Content that holds the very text the latency is found by, inside a JSON string.
        var response = Answer("It says \"latency_ms\":987654321.125 in the text [1].");
        response.Sources.Add(new Rpc.Source
        {
            DocumentId = "doc", ChunkId = "doc#0", Title = "A \"quoted\" title", Content = "latency_ms:987654321.125", Score = 0.5f,
            Metadata = { ["k"] = "v" }, Section = "Intro", Page = 2, Ordinal = 1,
        });
        response.Citations.Add(1);
        var latency = TimeSpan.FromMilliseconds(latencyMs);
        var prepared = PreparedAnswer.From(response, GatewayJson);

        Span<byte> number = stackalloc byte[32];
        var written = PreparedAnswer.FormatLatency(latency, number);
        var bytes = new byte[prepared.LengthWith(written)];
        prepared.CopyTo(bytes, number[..written]);

        var expected = JsonSerializer.SerializeToElement(QueryResponse.From(response, latency) with { Cached = true }, GatewayJson);
        using var actual = JsonDocument.Parse(bytes);
        Assert.Equal(expected.ToString(), actual.RootElement.ToString());
        Assert.Equal(latency.TotalMilliseconds, actual.RootElement.GetProperty("latency_ms").GetDouble());
        Assert.Equal("It says \"latency_ms\":987654321.125 in the text [1].", actual.RootElement.GetProperty("answer").GetString());
        Assert.Equal(1, prepared.Sources);
    }

    private QueryCache CreateCache(QueryCacheOptions options) => _harness!.CreateCache(new LocalAnswerCache(Options.Create(options), _clock), _clock);

    private static Rpc.QueryRequest Question(string text) => new() { Question = text, MaxResults = 5 };

    private static Rpc.QueryResponse Answer(string text, long generation = 3) =>
        new() { Answer = text, IndexGeneration = generation, Answerer = "extractive", Model = "minilm", RetrievalQuestion = "q" };
}
