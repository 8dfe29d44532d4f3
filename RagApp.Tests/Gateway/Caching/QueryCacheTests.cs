using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RagApp.Core.Redis;
using RagApp.Tests.Support;

namespace RagApp.Tests.Gateway.Caching;

/// <summary>
/// The gateway's query cache over a real RagApp.Rag that publishes its index generation to Garnet: a repeated question
/// is answered from the cache with the same answer and sources, a write to the index is seen by the very next question
/// (re-ingested facts, deleted passages), everything that changes an answer (filter, <c>max_results</c>, endpoint) is a
/// different entry, conversations are never cached, and a cached stream replays its events. Each test asks questions
/// of its own, so that no test finds another's entries.
/// </summary>
[Collection(QueryCacheCollection.Name)]
public sealed class QueryCacheTests(QueryCacheFixture fixture)
{
    private const int Timeout = 60_000;
    private const string Query = "/api/v1/query";
    private const string Stream = "/api/v1/query/stream";

    private static readonly string[] JazzAndSourdough = ["jazz", "sourdough"];
    private static readonly string[] SourdoughAndJazzTwice = ["sourdough", "jazz", "jazz"];
    private static readonly string[] OnlySourdough = ["sourdough"];

    [Fact(Timeout = Timeout)]
    public async Task SameQuestionAgain_IsAnsweredFromTheCache_WithTheSameAnswerAndSources()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var hits = Collect<long>("ragapp.gateway.query_cache.hits");
        using var misses = Collect<long>("ragapp.gateway.query_cache.misses");
        using var hitDurations = Collect<double>("ragapp.gateway.query_cache.hit.duration");

        var first = await AskAsync(new { question = "What makes a volcano erupt?" }, cancellationToken);
        // The same question as the cache normalises it: white space and case.
        var second = await AskAsync(new { question = "  what MAKES a   volcano erupt? " }, cancellationToken);

        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.True(second.GetProperty("cached").GetBoolean(), "the repeated question was not answered from the cache");
        Assert.Equal("volcano", second.GetProperty("sources")[0].GetProperty("document_id").GetString());
        AssertSameAnswer(first, second);
        Assert.Equal(1, Sum(hits, "query"));
        Assert.Equal(1, Sum(misses, "query"));
        // The hit's latency is its own, recorded as a hit's.
        var hitLatency = Assert.Single(hitDurations.GetMeasurementSnapshot()).Value;
        Assert.Equal(second.GetProperty("latency_ms").GetDouble() / 1000, hitLatency, 6);
    }

    [Fact(Timeout = Timeout)]
    public async Task ReingestedDocument_NextQuestionGetsTheNewFact_NotTheCachedOne()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string question = "Who keeps the lighthouse on Gull Island?";
        await fixture.UpsertAsync("lighthouse", "The Gull Island lighthouse",
            ["The lighthouse on Gull Island is kept by Alice Brown, who lights the lamp every evening at dusk."]);
        var before = await AskAsync(new { question }, cancellationToken);
        Assert.True((await AskAsync(new { question }, cancellationToken)).GetProperty("cached").GetBoolean(), "the question was not cached before the change");
        Assert.Contains("Alice Brown", Top(before, "lighthouse"));

        var upsert = await fixture.UpsertAsync("lighthouse", "The Gull Island lighthouse",
            ["The lighthouse on Gull Island is kept by Robert Green, who lights the lamp every evening at dusk."]);
        // The very next question after the write returned: no wait for the gateway to catch up.
        var after = await AskAsync(new { question }, cancellationToken);

        Assert.False(after.GetProperty("cached").GetBoolean(), "the answer after the write came from the cache");
        Assert.Contains("Robert Green", Top(after, "lighthouse"));
        Assert.DoesNotContain("Alice Brown", after.GetRawText());
        Assert.True(after.GetProperty("index_generation").GetInt64() >= upsert.Generation);
        // The new answer is cached in turn.
        var again = await AskAsync(new { question }, cancellationToken);
        Assert.True(again.GetProperty("cached").GetBoolean());
        Assert.Contains("Robert Green", Top(again, "lighthouse"));
    }

    [Fact(Timeout = Timeout)]
    public async Task DeletedDocument_ItsPassagesNoLongerComeBackFromTheCache()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string question = "What is the tail of comet Halvorsen made of?";
        await fixture.UpsertAsync("comet", "Comet Halvorsen",
            ["The tail of comet Halvorsen is made of dust and ionised gas blown away from its nucleus by the solar wind."]);
        await AskAsync(new { question }, cancellationToken);
        var cached = await AskAsync(new { question }, cancellationToken);
        Assert.True(cached.GetProperty("cached").GetBoolean(), "the question was not cached before the delete");
        Assert.Contains("comet", DocumentIds(cached));

        var deletion = await fixture.DeleteAsync("comet");
        Assert.True(deletion.Deleted);
        var after = await AskAsync(new { question }, cancellationToken);

        Assert.False(after.GetProperty("cached").GetBoolean(), "the answer after the delete came from the cache");
        Assert.DoesNotContain("comet", DocumentIds(after));
    }

    [Fact(Timeout = Timeout)]
    public async Task DifferentFiltersOrMaxResults_AreDifferentEntries_WhileTheSameFilterInAnotherOrderIsNot()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string question = "Where did jazz music originate?";
        var three = await AskAsync(new { question, max_results = 3 }, cancellationToken);
        var two = await AskAsync(new { question, max_results = 2 }, cancellationToken);
        var threeAgain = await AskAsync(new { question, max_results = 3 }, cancellationToken);
        Assert.False(three.GetProperty("cached").GetBoolean());
        Assert.False(two.GetProperty("cached").GetBoolean(), "max_results 2 was answered from the entry of max_results 3");
        Assert.Equal(2, two.GetProperty("sources").GetArrayLength());
        Assert.True(threeAgain.GetProperty("cached").GetBoolean());
        Assert.Equal(3, threeAgain.GetProperty("sources").GetArrayLength());

        var both = await AskAsync(new { question, filter = new { document_ids = JazzAndSourdough } }, cancellationToken);
        var bothReordered = await AskAsync(new { question, filter = new { document_ids = SourdoughAndJazzTwice } }, cancellationToken);
        var onlySourdough = await AskAsync(new { question, filter = new { document_ids = OnlySourdough } }, cancellationToken);
        var byTopic = await AskAsync(new { question, filter = new { metadata = new Dictionary<string, string> { ["topic"] = "cooking" } } }, cancellationToken);
        var byOtherTopic = await AskAsync(new { question, filter = new { metadata = new Dictionary<string, string> { ["topic"] = "music" } } }, cancellationToken);

        Assert.False(both.GetProperty("cached").GetBoolean(), "a filtered question was answered from the unfiltered entry");
        Assert.True(bothReordered.GetProperty("cached").GetBoolean(), "the same document ids in another order were a different entry");
        AssertSameAnswer(both, bothReordered);
        Assert.False(onlySourdough.GetProperty("cached").GetBoolean(), "another document filter was answered from a cached entry");
        Assert.All(DocumentIds(onlySourdough), id => Assert.Equal("sourdough", id));
        Assert.False(byTopic.GetProperty("cached").GetBoolean());
        Assert.False(byOtherTopic.GetProperty("cached").GetBoolean(), "another metadata filter was answered from a cached entry");
        Assert.All(DocumentIds(byOtherTopic), id => Assert.Equal("jazz", id));
    }

    [Fact(Timeout = Timeout)]
    public async Task QuestionOfASession_IsNeverCached()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var bypassed = Collect<long>("ragapp.gateway.query_cache.bypassed");
        var sessionId = Guid.NewGuid().ToString("D");
        const string question = "How does Rust manage memory without a garbage collector?";

        var first = await AskAsync(new { question, session_id = sessionId }, cancellationToken);
        var second = await AskAsync(new { question, session_id = sessionId }, cancellationToken);
        var third = await AskAsync(new { question, session_id = Guid.NewGuid().ToString("D") }, cancellationToken);

        Assert.False(first.GetProperty("cached").GetBoolean());
        Assert.False(second.GetProperty("cached").GetBoolean(), "a question of a session was answered from the cache");
        Assert.False(third.GetProperty("cached").GetBoolean(), "a question of another session was answered from the cache");
        Assert.Equal(3, bypassed.GetMeasurementSnapshot()
            .Where(measurement => Equals(measurement.Tags["reason"], "session")).Sum(measurement => measurement.Value));
        // Nor does a session question leave an entry for the same question asked alone.
        Assert.False((await AskAsync(new { question }, cancellationToken)).GetProperty("cached").GetBoolean());
    }

    [Fact(Timeout = Timeout)]
    public async Task CachedStream_ReplaysTheSameEvents_WithCachedInItsCompletion()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var hits = Collect<long>("ragapp.gateway.query_cache.hits");
        const string question = "How do plants turn sunlight into food?";
        var first = await StreamAsync(new { question }, cancellationToken);
        var second = await StreamAsync(new { question }, cancellationToken);
        // A whole answer is another entry than a stream's events.
        var whole = await AskAsync(new { question }, cancellationToken);

        Assert.Equal(first.Select(item => item.Name), second.Select(item => item.Name));
        Assert.Equal("sources", first[0].Name);
        Assert.Contains(first, item => item.Name == "delta");
        Assert.Equal("completed", first[^1].Name);
        for (var i = 0; i < first.Count - 1; i++)
        {
            Assert.Equal(first[i].Data.GetRawText(), second[i].Data.GetRawText());
        }

        Assert.False(first[^1].Data.GetProperty("cached").GetBoolean());
        Assert.True(second[^1].Data.GetProperty("cached").GetBoolean(), "the repeated stream was not replayed from the cache");
        Assert.Equal(WithoutLatency(first[^1].Data), WithoutLatency(second[^1].Data));
        Assert.Equal(1, Sum(hits, "stream"));
        Assert.False(whole.GetProperty("cached").GetBoolean(), "the whole answer was taken from the stream's entry");
    }

    [Fact(Timeout = Timeout)]
    public async Task Flush_DeletesTheCachedAnswers_AndOnlyTheCacheKeys()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string question = "Why does the sea level rise and fall twice a day?";
        var database = fixture.Garnet.Redis.GetDatabase();
        await database.StringSetAsync(RedisKeys.JobPrefix + "flush-witness", "kept");
        await AskAsync(new { question }, cancellationToken);
        Assert.True((await AskAsync(new { question }, cancellationToken)).GetProperty("cached").GetBoolean());

        using var flushed = await fixture.Client.PostAsync("/api/v1/cache/flush", null, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, flushed.StatusCode);
        var deleted = (await flushed.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("deleted_keys").GetInt64();

        Assert.True(deleted >= 2, $"the flush deleted {deleted} keys; the entry and the bookkeeping were there");
        Assert.False((await AskAsync(new { question }, cancellationToken)).GetProperty("cached").GetBoolean(), "an answer survived the flush");
        Assert.Equal("kept", (string?)await database.StringGetAsync(RedisKeys.JobPrefix + "flush-witness"));
        Assert.False((await database.StringGetAsync(RedisKeys.IndexGeneration)).IsNull, "the flush deleted the published token");
        // Every cache key carries a TTL.
        await foreach (var key in fixture.Garnet.Redis.GetServers()[0].KeysAsync(pattern: RedisKeys.CachePrefix + "*").WithCancellation(cancellationToken))
        {
            Assert.True(await database.KeyTimeToLiveAsync(key) is { } ttl && ttl > TimeSpan.Zero, $"cache key {key} has no TTL");
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task FailedOrAbandonedAnswers_AreNeverStored()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var stored = Collect<long>("ragapp.gateway.query_cache.stored");
        using var durations = Collect<double>("ragapp.gateway.query.duration");
        const string failing = "What makes sourdough dough rise, when the answer fails?";
        const string abandoned = "What makes sourdough dough rise, when nobody waits for the answer?";
        fixture.Answerer.Fail(failing);
        var held = fixture.Answerer.Hold(abandoned);

        using (var whole = await fixture.Client.PostAsJsonAsync(Query, new { question = failing }, cancellationToken))
        {
            Assert.Equal(HttpStatusCode.BadGateway, whole.StatusCode);
        }

        var failed = await StreamAsync(new { question = failing }, cancellationToken);
        Assert.Equal("error", failed[^1].Name);

        using (var client = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, Stream) { Content = JsonContent.Create(new { question = abandoned }) };
            using var response = await fixture.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, client.Token);
            await foreach (var (name, _) in ReadAsync(response, client.Token))
            {
                if (name == "delta")
                {
                    break;
                }
            }

            await client.CancelAsync();
        }

        await held.Cancelled.WaitAsync(cancellationToken);
        await Eventually.UntilAsync(
            () => Task.FromResult(durations.GetMeasurementSnapshot().Any(measurement => Equals(measurement.Tags["outcome"], "cancelled"))),
            "the gateway to record the abandoned stream", TimeSpan.FromSeconds(20), cancellationToken);
        Assert.Empty(stored.GetMeasurementSnapshot());
    }

    [Fact(Timeout = Timeout)]
    public async Task CacheDisabled_RepeatedQuestionIsAnsweredByRagAppRag()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHost.StartAsync(
            fixture.Garnet.ConnectionString, fixture.Rag.Address, new Dictionary<string, string?> { ["Gateway:Cache:Enabled"] = "false" });
        await QueryCacheFixture.GatewayKnowsTokenAsync(gateway, fixture.Garnet);

        foreach (var attempt in new[] { 1, 2 })
        {
            using var response = await gateway.Client.PostAsJsonAsync(Query, new { question = "Which gas do leaves release when they use light?" }, cancellationToken);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).RootElement;
            Assert.False(body.GetProperty("cached").GetBoolean(), $"attempt {attempt} was answered from the cache although it is disabled");
        }
    }

    private MetricCollector<T> Collect<T>(string instrument)
        where T : struct =>
        new(fixture.Gateway.Services.GetRequiredService<IMeterFactory>(), "RagApp.Gateway", instrument);

    private static long Sum(MetricCollector<long> collector, string endpoint) => collector.GetMeasurementSnapshot()
        .Where(measurement => Equals(measurement.Tags["endpoint"], endpoint)).Sum(measurement => measurement.Value);

    private async Task<JsonElement> AskAsync(object request, CancellationToken cancellationToken)
    {
        using var response = await fixture.Client.PostAsJsonAsync(Query, request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<List<(string Name, JsonElement Data)>> StreamAsync(object request, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, Stream) { Content = JsonContent.Create(request) };
        using var response = await fixture.Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = new List<(string Name, JsonElement Data)>();
        await foreach (var item in ReadAsync(response, cancellationToken))
        {
            events.Add(item);
        }

        return events;
    }

    private static async IAsyncEnumerable<(string Name, JsonElement Data)> ReadAsync(
        HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            yield return (item.EventType, JsonDocument.Parse(item.Data).RootElement.Clone());
        }
    }

    /// <summary>Everything but what a hit answers for itself: its latency and <c>cached</c>.</summary>
    private static string WithoutLatency(JsonElement answer) => string.Join(",", answer.EnumerateObject()
        .Where(property => property.Name is not "latency_ms" and not "cached")
        .Select(property => $"{property.Name}={property.Value.GetRawText()}"));

    private static void AssertSameAnswer(JsonElement first, JsonElement second)
    {
        Assert.Equal(first.GetProperty("answer").GetString(), second.GetProperty("answer").GetString());
        Assert.Equal(first.GetProperty("sources").GetRawText(), second.GetProperty("sources").GetRawText());
        Assert.Equal(WithoutLatency(first), WithoutLatency(second));
    }

    private static string Top(JsonElement answer, string documentId)
    {
        var top = answer.GetProperty("sources")[0];
        Assert.Equal(documentId, top.GetProperty("document_id").GetString());
        return top.GetProperty("content").GetString()!;
    }

    private static List<string?> DocumentIds(JsonElement answer) =>
        [.. answer.GetProperty("sources").EnumerateArray().Select(source => source.GetProperty("document_id").GetString())];
}
