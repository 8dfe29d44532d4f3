using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RagApp.Tests.Support;

namespace RagApp.Tests.Gateway;

/// <summary>
/// <c>POST /api/v1/query/stream</c> over a real RagApp.Rag: server-sent events in the order sources, delta…, completed;
/// a client that leaves cancels the call in RagApp.Rag; a failure after the stream started ends it with an error event.
/// </summary>
[Collection(QueryGatewayCollection.Name)]
public sealed class QueryStreamTests(QueryGatewayFixture fixture)
{
    private const int Timeout = 60_000;
    private const string Stream = "/api/v1/query/stream";

    [Fact(Timeout = Timeout)]
    public async Task Stream_SendsSources_ThenDeltas_ThenCompleted_MatchingTheWholeAnswer()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var question = new { question = "Where did jazz music originate?", max_results = 4 };

        using var response = await SendAsync(question, cancellationToken);
        var events = await ReadAllAsync(response, cancellationToken);
        using var whole = await fixture.Client.PostAsJsonAsync("/api/v1/query", question, cancellationToken);
        var unary = await whole.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(fixture.Contract.Operation("POST", Stream)["responses"]?["200"]?["content"]?["text/event-stream"]);
        var names = events.Select(e => e.Name).ToList();
        Assert.True(names.Count >= 3 && names[0] == "sources" && names[^1] == "completed" && names[1..^1].All(name => name == "delta"),
            $"events: {string.Join(", ", names)}");

        var sources = events[0].Data.GetProperty("sources");
        Assert.Equal(4, sources.GetArrayLength());
        Assert.Equal("jazz", sources[0].GetProperty("document_id").GetString());
        Assert.Equal(
            unary.GetProperty("sources").EnumerateArray().Select(source => source.GetProperty("chunk_id").GetString()),
            sources.EnumerateArray().Select(source => source.GetProperty("chunk_id").GetString()));

        var completed = events[^1].Data;
        var answer = completed.GetProperty("answer").GetString();
        Assert.Equal(answer, string.Concat(events[1..^1].Select(e => e.Data.GetProperty("text").GetString())));
        Assert.Equal(unary.GetProperty("answer").GetString(), answer);
        Assert.Equal(
            unary.GetProperty("citations").EnumerateArray().Select(citation => citation.GetInt32()),
            completed.GetProperty("citations").EnumerateArray().Select(citation => citation.GetInt32()));
        Assert.All(completed.GetProperty("citations").EnumerateArray(), citation => Assert.InRange(citation.GetInt32(), 1, 4));
        Assert.InRange(completed.GetProperty("confidence").GetDouble(), 0, 1);
        Assert.True(completed.GetProperty("latency_ms").GetDouble() > 0);
        Assert.False(completed.GetProperty("cached").GetBoolean());
        Assert.Equal("extractive", completed.GetProperty("answerer").GetString());
        Assert.Equal(fixture.Generation, completed.GetProperty("index_generation").GetInt64());
    }

    [Fact(Timeout = Timeout)]
    public async Task Stream_ClientDisconnects_CancelsTheRagCall_WithAnswererHeldOpen()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string question = "Where did jazz music originate, asked and then abandoned?";
        var held = fixture.Answerer.Hold(question);
        using var durations = new MetricCollector<double>(
            fixture.Gateway.Services.GetRequiredService<IMeterFactory>(), "RagApp.Gateway", "ragapp.gateway.query.duration");
        using var client = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var response = await SendAsync(new { question }, client.Token);
        var seen = new List<string>();
        await foreach (var (name, _) in ReadAsync(response, client.Token))
        {
            seen.Add(name);
            if (name == "delta")
            {
                break;
            }
        }

        // RagApp.Rag is holding the call open: it has answered a delta and waits.
        await held.Started.WaitAsync(cancellationToken);
        Assert.False(held.Cancelled.IsCompleted, "the call was cancelled before the client left");
        await client.CancelAsync();
        response.Dispose();

        await held.Cancelled.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
        Assert.Equal(["sources", "delta"], seen);
        await Eventually.UntilAsync(
            () => Task.FromResult(durations.GetMeasurementSnapshot().Any(m => Equals(m.Tags["outcome"], "cancelled") && Equals(m.Tags["endpoint"], "stream"))),
            "the gateway to record the stream as cancelled", TimeSpan.FromSeconds(20), cancellationToken);
    }

    [Fact(Timeout = Timeout)]
    public async Task Stream_RagFailsAfterItStarted_EndsWithAnErrorProblem_WithAnswererFailingMidStream()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string question = "Where did jazz music originate, answered only halfway?";
        fixture.Answerer.Fail(question);

        using var response = await SendAsync(new { question }, cancellationToken);
        var events = await ReadAllAsync(response, cancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var names = events.Select(e => e.Name).ToList();
        Assert.True(names.Count >= 3 && names[0] == "sources" && names[^1] == "error" && names[1..^1].All(name => name == "delta"),
            $"events: {string.Join(", ", names)}");
        var problem = events[^1].Data;
        Assert.Equal(502, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        AssertNoInternals(problem.GetRawText());
    }

    [Fact(Timeout = Timeout)]
    public async Task Query_RagFails_Answers502WithoutInternals_WithAnswererFailing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string question = "Where did jazz music originate, never answered?";
        fixture.Answerer.Fail(question);

        using var response = await fixture.Client.PostAsJsonAsync("/api/v1/query", new { question }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);

        Assert.True(response.StatusCode == HttpStatusCode.BadGateway, $"expected 502, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await fixture.Contract.AssertDocumentedAsync(response, "POST", "/api/v1/query", cancellationToken);
        AssertNoInternals(body);
    }

    private static void AssertNoInternals(string text)
    {
        foreach (var secret in new[] { "Secret", "test control", "Exception", " at ", "RagApp." })
        {
            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(object question, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Stream) { Content = JsonContent.Create(question) };
        return await fixture.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private static async Task<List<(string Name, JsonElement Data)>> ReadAllAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
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
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // Only then: reading the body for the message would wait for the whole stream.
            Assert.Fail($"expected 200, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            yield return (item.EventType, JsonDocument.Parse(item.Data).RootElement.Clone());
        }
    }
}
