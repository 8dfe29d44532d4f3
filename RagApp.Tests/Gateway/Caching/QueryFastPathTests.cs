using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;
using RagApp.Tests.Support;

namespace RagApp.Tests.Gateway.Caching;

/// <summary>
/// Cache hits held in a gateway's memory are answered before routing (<c>CachedQueryMiddleware</c>), and everything
/// else is answered as the endpoint answers it: an invalid body gets the same problem details as with the fast path
/// off, a missing or wrong key 401, an empty bucket 429 with <c>Retry-After</c> (and exactly the bucket's tokens go
/// through), a question not held here goes to Redis and then RagApp.Rag. Whether a request went past routing shows in
/// routing's own metric (<c>aspnetcore.routing.match_attempts</c>), which the fast path never reaches. Each test has
/// gateways, keys and questions of its own, over the collection's RagApp.Rag and Garnet; bodies are sent with their
/// length, as clients such as wrk and browsers send them (the fast path leaves chunked bodies to the endpoint).
/// </summary>
[Collection(QueryCacheCollection.Name)]
public sealed class QueryFastPathTests(QueryCacheFixture fixture)
{
    private const int Timeout = 90_000;
    private const string Query = "/api/v1/query";

    [Fact(Timeout = Timeout)]
    public async Task HeldQuestion_IsAnsweredBeforeRouting_AsTheEndpointAnswersAHit_WithItsSpanAndMetrics()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var key = NewKey();
        await using var gateway = await StartAsync(Settings(key), cancellationToken: cancellationToken);
        using var routed = RoutingAttempts(gateway);
        using var hits = Collect<long>(gateway, "ragapp.gateway.query_cache.hits");
        using var hitDurations = Collect<double>(gateway, "ragapp.gateway.query_cache.hit.duration");
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "RagApp.Gateway",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var body = """{"question": "Which bread rises with a starter of wild yeast?", "max_results": 17}""";

        using var miss = await SendAsync(gateway, body, key, cancellationToken: cancellationToken);
        // Stored in Redis by the miss; read from there (not held here yet), then held.
        using var fromRedis = await SendAsync(gateway, body, key, cancellationToken: cancellationToken);
        var routedBefore = Sum(routed);
        using var held = await SendAsync(gateway, body, key, cancellationToken: cancellationToken);

        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        Assert.Equal(routedBefore, Sum(routed));
        Assert.Equal("application/json; charset=utf-8", held.Content.Headers.ContentType?.ToString());
        var (missAnswer, redisAnswer, heldAnswer) = (await JsonOf(miss), await JsonOf(fromRedis), await JsonOf(held));
        Assert.False(missAnswer.GetProperty("cached").GetBoolean());
        Assert.True(redisAnswer.GetProperty("cached").GetBoolean());
        Assert.True(heldAnswer.GetProperty("cached").GetBoolean());
        Assert.Equal(WithoutLatency(redisAnswer), WithoutLatency(heldAnswer));
        Assert.Equal(2, hits.GetMeasurementSnapshot().Sum(measurement => measurement.Value));
        // The hit's latency is its own, as the endpoint's hits record it.
        Assert.Equal(heldAnswer.GetProperty("latency_ms").GetDouble() / 1000, hitDurations.GetMeasurementSnapshot()[^1].Value, 6);
        // max_results 17: no other test asks with it.
        var span = await Eventually.GetAsync(
            () => Task.FromResult(spans.FirstOrDefault(span => span.OperationName == "gateway query" && Equals(span.GetTagItem("ragapp.query.fast_path"), true) && Equals(span.GetTagItem("ragapp.query.max_results"), 17))),
            "the held hit's span", TimeSpan.FromSeconds(10), cancellationToken);
        Assert.Equal(true, span.GetTagItem("ragapp.query.fast_path"));
        Assert.Equal(true, span.GetTagItem("ragapp.query.cached"));
        Assert.Equal("ok", span.GetTagItem("ragapp.query.outcome"));
        Assert.Equal(17, span.GetTagItem("ragapp.query.max_results"));
        Assert.Single(spans, span => Equals(span.GetTagItem("ragapp.query.fast_path"), true) && Equals(span.GetTagItem("ragapp.query.max_results"), 17));
    }

    [Fact(Timeout = Timeout)]
    public async Task InvalidBodies_GetTheSameProblemDetails_WithTheFastPathOnAsOff()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var key = NewKey();
        await using var on = await StartAsync(Settings(key), cancellationToken: cancellationToken);
        await using var off = await StartAsync(Settings(key, ("Gateway:Cache:HitFastPath", "false")), cancellationToken: cancellationToken);
        const string question = "What gives sourdough its sour taste?";
        // Held by the gateway with the fast path, so that the valid part of each body would be a hit there.
        foreach (var gateway in new[] { on, on })
        {
            using var warm = await SendAsync(gateway, $$"""{"question": "{{question}}"}""", key, cancellationToken: cancellationToken);
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        string[] bodies =
        [
            "not json",
            "{}",
            "[]",
            "null",
            """{"question": "ab"}""",
            """{"question": 42}""",
            $$"""{"question": "{{question}}", "max_results": 0}""",
            $$"""{"question": "{{question}}", "max_results": "5"}""",
            $$"""{"question": "{{question}}", "maxresults": 5}""",
            $$"""{"question": "{{question}}", "session_id": "not-a-uuid"}""",
            $$$"""{"question": "{{{question}}}", "filter": {"document_ids": ["", "jazz"]}}""",
            $$$$"""{"question": "{{{{question}}}}", "filter": {"metadata": {"topic": null}}}""",
            $$"""{"question": "{{question}}"} trailing""",
        ];
        foreach (var body in bodies)
        {
            using var fast = await SendAsync(on, body, key, cancellationToken: cancellationToken);
            using var endpoint = await SendAsync(off, body, key, cancellationToken: cancellationToken);
            Assert.True(endpoint.StatusCode == HttpStatusCode.BadRequest, $"{body}: the endpoint answered {(int)endpoint.StatusCode}");
            Assert.Equal(endpoint.StatusCode, fast.StatusCode);
            Assert.Equal(endpoint.Content.Headers.ContentType?.ToString(), fast.Content.Headers.ContentType?.ToString());
            Assert.Equal(await ProblemOf(endpoint), await ProblemOf(fast));
        }

        // Not JSON at all: 415 either way.
        using var text = await SendAsync(on, question, key, contentType: "text/plain", cancellationToken: cancellationToken);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
    }

    [Fact(Timeout = Timeout)]
    public async Task HeldQuestion_WithoutAKey_OrWithAWrongOne_Is401()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var key = NewKey();
        await using var gateway = await StartAsync(Settings(key), cancellationToken: cancellationToken);
        var body = """{"question": "Where did jazz music begin?"}""";
        for (var i = 0; i < 2; i++)
        {
            using var warm = await SendAsync(gateway, body, key, cancellationToken: cancellationToken);
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        using var none = await SendAsync(gateway, body, key: null, cancellationToken: cancellationToken);
        using var wrong = await SendAsync(gateway, body, key + "x", cancellationToken: cancellationToken);
        using var wrongBearer = await SendAsync(gateway, body, key: null,
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-" + key), cancellationToken: cancellationToken);
        using var bearer = await SendAsync(gateway, body, key: null,
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key), cancellationToken: cancellationToken);

        foreach (var refused in new[] { none, wrong, wrongBearer })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Bearer", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(key, await refused.Content.ReadAsStringAsync(cancellationToken), StringComparison.Ordinal);
        }

        Assert.Equal("An API key is required.", (await JsonOf(none)).GetProperty("title").GetString());
        Assert.Equal("The API key is not valid.", (await JsonOf(wrong)).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.True((await JsonOf(bearer)).GetProperty("cached").GetBoolean());
    }

    [Fact(Timeout = Timeout)]
    public async Task HeldQuestion_PastTheBucket_Is429WithRetryAfter_AndExactlyTheBucketGoesThrough()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var key = NewKey();
        // Frozen: nothing refills and no lease expires, so exactly the bucket's 150 tokens can be spent, by either path.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var gateway = await StartAsync(
            Settings(key, ("Gateway:RateLimits:PermitsPerMinute", "60000"), ("Gateway:RateLimits:Burst", "150")),
            services => services.AddSingleton<TimeProvider>(clock),
            cancellationToken);
        using var routed = RoutingAttempts(gateway);
        var body = """{"question": "What makes a volcano erupt so violently?"}""";

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var wave = 0; wave < 4; wave++)
        {
            // Concurrent, so that some find the local lease empty together while others spend it on the fast path.
            var responses = await Task.WhenAll(Enumerable.Range(0, wave == 0 ? 1 : 60).Select(_ => SendAsync(gateway, body, key, cancellationToken: cancellationToken)));
            statuses.AddRange(responses.Select(response => response.StatusCode));
            foreach (var response in responses)
            {
                if (refused is null && response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    refused = response;
                    continue;
                }

                response.Dispose();
            }
        }

        using var firstRefused = refused;
        Assert.Equal(150, statuses.Count(status => status == HttpStatusCode.OK));
        Assert.Equal(statuses.Count - 150, statuses.Count(status => status == HttpStatusCode.TooManyRequests));
        Assert.NotNull(firstRefused);
        Assert.Equal("application/problem+json", firstRefused.Content.Headers.ContentType?.MediaType);
        Assert.InRange(firstRefused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Equal(429, (await JsonOf(firstRefused)).GetProperty("status").GetInt32());
        // Some of the 200s were answered before routing: the fast path took part in the count.
        Assert.True(Sum(routed) < statuses.Count, $"every one of {statuses.Count} requests was routed");
    }

    [Fact(Timeout = Timeout)]
    public async Task QuestionNotHeld_GoesToRagAppRag_OrToRedisWhenAnotherGatewayStoredIt()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var key = NewKey();
        await using var first = await StartAsync(Settings(key), cancellationToken: cancellationToken);
        await using var second = await StartAsync(Settings(key), cancellationToken: cancellationToken);
        using var misses = Collect<long>(first, "ragapp.gateway.query_cache.misses");
        using var routedBySecond = RoutingAttempts(second);
        const string question = "How does a volcano form its cone?";
        var body = $$"""{"question": "{{question}}", "max_results": 2}""";

        using var answered = await SendAsync(first, body, key, cancellationToken: cancellationToken);
        using var fromRedis = await SendAsync(second, body, key, cancellationToken: cancellationToken);
        var routedOnce = Sum(routedBySecond);
        using var held = await SendAsync(second, body, key, cancellationToken: cancellationToken);
        using var other = await SendAsync(first, $$"""{"question": "{{question}}", "max_results": 3}""", key, cancellationToken: cancellationToken);

        var answer = await JsonOf(answered);
        Assert.False(answer.GetProperty("cached").GetBoolean());
        Assert.Equal("volcano", answer.GetProperty("sources")[0].GetProperty("document_id").GetString());
        Assert.True((await JsonOf(fromRedis)).GetProperty("cached").GetBoolean());
        Assert.Equal(1, routedOnce);
        Assert.True((await JsonOf(held)).GetProperty("cached").GetBoolean());
        Assert.Equal(routedOnce, Sum(routedBySecond));
        var otherAnswer = await JsonOf(other);
        Assert.False(otherAnswer.GetProperty("cached").GetBoolean(), "max_results 3 was answered from the entry of max_results 2");
        Assert.Equal(3, otherAnswer.GetProperty("sources").GetArrayLength());
        Assert.Equal(2, misses.GetMeasurementSnapshot().Sum(measurement => measurement.Value));
    }

    private static string NewKey() => $"key-{Guid.NewGuid():N}";

    /// <summary>One API key, a bucket of its own, high enough that a lease holds many tokens (100 a tenth of a second).</summary>
    private static Dictionary<string, string?> Settings(string key, params (string Key, string? Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Access:ApiKeys"] = key,
            ["Gateway:RateLimits:PermitsPerMinute"] = "60000",
        };
        foreach (var (name, value) in more)
        {
            settings[name] = value;
        }

        return settings;
    }

    private async Task<GatewayHost> StartAsync(Dictionary<string, string?> settings, Action<IServiceCollection>? services = null, CancellationToken cancellationToken = default)
    {
        var gateway = await GatewayHost.StartAsync(fixture.Garnet.ConnectionString, fixture.Rag.Address, settings, services: services);
        try
        {
            await QueryCacheFixture.GatewayKnowsTokenAsync(gateway, fixture.Garnet);
            cancellationToken.ThrowIfCancellationRequested();
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(
        GatewayHost gateway,
        string body,
        string? key,
        Action<HttpRequestMessage>? configure = null,
        string contentType = "application/json",
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Query) { Content = new StringContent(body, Encoding.UTF8, contentType) };
        if (key is not null)
        {
            request.Headers.Add("X-Api-Key", key);
        }

        configure?.Invoke(request);
        return await gateway.Client.SendAsync(request, cancellationToken);
    }

    private static MetricCollector<long> RoutingAttempts(GatewayHost gateway) =>
        new(gateway.Services.GetRequiredService<IMeterFactory>(), "Microsoft.AspNetCore.Routing", "aspnetcore.routing.match_attempts");

    private static MetricCollector<T> Collect<T>(GatewayHost gateway, string instrument)
        where T : struct =>
        new(gateway.Services.GetRequiredService<IMeterFactory>(), "RagApp.Gateway", instrument);

    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(measurement => measurement.Value);

    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();

    /// <summary>The problem as the client reads it, but for its trace id (each request's own).</summary>
    private static async Task<string> ProblemOf(HttpResponseMessage response) => string.Join(",", (await JsonOf(response)).EnumerateObject()
        .Where(property => property.Name is not "traceId" and not "trace_id")
        .Select(property => $"{property.Name}={property.Value.GetRawText()}"));

    /// <summary>Everything but what a hit answers for itself: its latency.</summary>
    private static string WithoutLatency(JsonElement answer) => string.Join(",", answer.EnumerateObject()
        .Where(property => property.Name is not "latency_ms")
        .Select(property => $"{property.Name}={property.Value.GetRawText()}"));
}
