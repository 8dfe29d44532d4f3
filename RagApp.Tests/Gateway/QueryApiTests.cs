using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RagApp.Tests.Retrieval;
using RagApp.Tests.Support;

namespace RagApp.Tests.Gateway;

/// <summary>
/// <c>POST /api/v1/query</c> over a real RagApp.Rag: known questions find their document first with an answer citing
/// the sources, filters restrict the sources, and every bad request is a problem naming the field at fault; every
/// answer is also checked against the OpenAPI document.
/// </summary>
[Collection(QueryGatewayCollection.Name)]
public sealed partial class QueryApiTests(QueryGatewayFixture fixture)
{
    private const int Timeout = 60_000;
    private const string Query = "/api/v1/query";

    private static readonly string[] ResponseFields =
    [
        "answer", "sources", "citations", "confidence", "abstained", "cached", "latency_ms", "retrieval_ms", "answerer",
        "answer_model", "route", "fallback", "model", "retrieval_question", "index_generation",
    ];

    private static readonly string[] JazzAndSourdough = ["jazz", "sourdough"];
    private static readonly string[] OnlyJazz = ["jazz"];

    private static readonly string[] SourceFields = ["document_id", "chunk_id", "title", "content", "score", "metadata", "section", "page", "ordinal"];

    public static TheoryData<string, string> KnownAnswers()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in QueryCorpus.Documents)
        {
            data.Add(entry.Questions[0], entry.DocumentId);
        }

        return data;
    }

    [Theory(Timeout = Timeout)]
    [MemberData(nameof(KnownAnswers))]
    public async Task KnownQuestion_Answers200_WithItsDocumentFirst_AndAnAnswerCitingTheSources(string question, string documentId)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var durations = new MetricCollector<double>(
            fixture.Gateway.Services.GetRequiredService<IMeterFactory>(), "RagApp.Gateway", "ragapp.gateway.query.duration");

        using var response = await fixture.Client.PostAsJsonAsync(Query, new { question = $"  {question} " }, cancellationToken);

        var body = await AssertDocumentedAsync(response, HttpStatusCode.OK, cancellationToken);
        Assert.Equal(ResponseFields.Order(), body.EnumerateObject().Select(property => property.Name).Order());
        var sources = body.GetProperty("sources").EnumerateArray().ToList();
        Assert.Equal(5, sources.Count);
        Assert.All(sources, source => Assert.Equal(SourceFields.Order(), source.EnumerateObject().Select(property => property.Name).Order()));
        var top = sources[0];
        var entry = QueryCorpus.Documents.Single(document => document.DocumentId == documentId);
        Assert.Equal(documentId, top.GetProperty("document_id").GetString());
        Assert.Equal(entry.Title, top.GetProperty("title").GetString());
        Assert.Contains(top.GetProperty("content").GetString(), entry.Chunks);
        Assert.Equal(entry.Topic, top.GetProperty("metadata").GetProperty("topic").GetString());
        var ordinal = top.GetProperty("ordinal").GetInt32();
        Assert.Equal(RagApp.Core.Documents.ChunkIds.Create(documentId, ordinal), top.GetProperty("chunk_id").GetString());
        // TestDocument gives chunk n page n + 1 and section "Part n".
        Assert.Equal(ordinal + 1, top.GetProperty("page").GetInt32());
        Assert.Equal($"Part {ordinal}", top.GetProperty("section").GetString());
        Assert.InRange(top.GetProperty("score").GetDouble(), 0, 1);

        Assert.Equal(question, body.GetProperty("retrieval_question").GetString());
        Assert.Equal("extractive", body.GetProperty("answerer").GetString());
        Assert.Equal("all-MiniLM-L6-v2", body.GetProperty("model").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("answer_model").ValueKind);
        Assert.Equal(JsonValueKind.Null, body.GetProperty("route").ValueKind);
        Assert.False(body.GetProperty("cached").GetBoolean());
        Assert.False(body.GetProperty("fallback").GetBoolean());
        Assert.Equal(fixture.Generation, body.GetProperty("index_generation").GetInt64());
        Assert.InRange(body.GetProperty("confidence").GetDouble(), 0, 1);
        var latency = body.GetProperty("latency_ms").GetDouble();
        Assert.InRange(body.GetProperty("retrieval_ms").GetDouble(), 0, latency);

        AssertCitationsPointAtSources(body);

        // An earlier test's abandoned request may record its "cancelled" late, into this collector: only this answer counts.
        var recorded = Assert.Single(durations.GetMeasurementSnapshot(), measurement => (string?)measurement.Tags["outcome"] != "cancelled");
        Assert.Equal("ok", recorded.Tags["outcome"]);
        Assert.Equal("query", recorded.Tags["endpoint"]);
    }

    [Fact(Timeout = Timeout)]
    public async Task AnsweredQuestion_CitesTheSourcesItUses()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var body = await AskAsync(new { question = "What makes a volcano erupt?" }, cancellationToken);

        Assert.False(body.GetProperty("abstained").GetBoolean(), $"abstained: {body.GetProperty("answer").GetString()}");
        Assert.NotEmpty(body.GetProperty("citations").EnumerateArray());
        Assert.Contains("magma", body.GetProperty("answer").GetString(), StringComparison.OrdinalIgnoreCase);
        AssertCitationsPointAtSources(body);
        Assert.Equal("volcano", body.GetProperty("sources")[body.GetProperty("citations")[0].GetInt32() - 1].GetProperty("document_id").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task ClientDisconnects_CancelsTheRagCall_WithAnswererHeldOpen()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string question = "Where did jazz music originate, asked once and then abandoned?";
        var held = fixture.Answerer.Hold(question);
        using var client = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        var asking = fixture.Client.PostAsJsonAsync(Query, new { question }, client.Token);
        await held.Started.WaitAsync(cancellationToken);
        Assert.False(held.Cancelled.IsCompleted, "the call was cancelled before the client left");
        await client.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => asking);
        await held.Cancelled.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
    }

    [Fact(Timeout = Timeout)]
    public async Task Question_IsOneTrace_FromTheGatewaysSpanIntoRagAppRag()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "RagApp.Gateway" or "RagApp.Rag",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await AskAsync(new { question = "Which city gave birth to jazz with its improvisation and swing?", max_results = 3 }, cancellationToken);

        var gateway = await Eventually.GetAsync(
            () => Task.FromResult(spans.FirstOrDefault(span => span.OperationName == "gateway query" && Equals(span.GetTagItem("ragapp.query.max_results"), 3))),
            "the gateway's span", TimeSpan.FromSeconds(10), cancellationToken);
        Assert.Equal("ok", gateway.GetTagItem("ragapp.query.outcome"));
        var rag = await Eventually.GetAsync(
            () => Task.FromResult(spans.FirstOrDefault(span => span.OperationName == "rag query" && span.TraceId == gateway.TraceId)),
            "RagApp.Rag's span in the gateway's trace", TimeSpan.FromSeconds(10), cancellationToken);
        Assert.NotEqual(gateway.SpanId, rag.SpanId);
    }

    [Fact(Timeout = Timeout)]
    public async Task DocumentIdFilter_ReturnsOnlyThoseDocuments_EvenWhenAnotherAnswersBetter()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var body = await AskAsync(new { question = "What makes a volcano erupt?", max_results = 20, filter = new { document_ids = JazzAndSourdough } }, cancellationToken);

        Assert.Equal(["jazz", "sourdough"], DocumentIdsOf(body).Order());
    }

    [Fact(Timeout = Timeout)]
    public async Task MetadataFilter_ReturnsOnlyDocumentsWithThatValue_AndBothConditionsMustHold()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cooking = await AskAsync(new { question = "What makes a volcano erupt?", filter = new { metadata = new { topic = "cooking" } } }, cancellationToken);
        var none = await AskAsync(new { question = "What makes a volcano erupt?", filter = new { metadata = new { topic = "geology" }, document_ids = OnlyJazz } }, cancellationToken);

        Assert.Equal(["sourdough"], DocumentIdsOf(cooking));
        Assert.Empty(DocumentIdsOf(none));
    }

    [Fact(Timeout = Timeout)]
    public async Task MaxResults_BoundsTheSources_AndBoundaryQuestionsAreAccepted()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var one = await AskAsync(new { question = "  jaz  ", max_results = 1 }, cancellationToken);
        var twenty = await AskAsync(new { question = "  " + new string('q', 3995) + " jazz  ", max_results = 20, session_id = Guid.NewGuid() }, cancellationToken);

        Assert.Single(DocumentIdsOf(one));
        Assert.Equal(7, DocumentIdsOf(twenty).Count);
    }

    [Theory(Timeout = Timeout)]
    [InlineData("{}", "question", "is required")]
    [InlineData("{\"question\": null}", "question", "is required")]
    [InlineData("{\"question\": \"    \"}", "question", "3 to 4000 characters")]
    [InlineData("{\"question\": \" ab \"}", "question", "3 to 4000 characters")]
    [InlineData("{\"question\": \"LONG\"}", "question", "got 4001")]
    [InlineData("{\"question\": 42}", "question", "must be a string")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"session_id\": \"not-a-uuid\"}", "session_id", "must be a UUID")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"session_id\": \"\"}", "session_id", "must be a UUID")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"max_results\": 0}", "max_results", "must be 1 to 20")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"max_results\": 21}", "max_results", "must be 1 to 20")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"max_results\": \"5\"}", "max_results", "must be a whole number")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"max_results\": 2.5}", "max_results", "must be a whole number")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"top_k\": 3}", "top_k", "is not a known property")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"filter\": []}", "filter", "must be a JSON object")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"filter\": {\"documents\": [\"jazz\"]}}", "filter.documents", "is not a known property")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"filter\": {\"document_ids\": \"jazz\"}}", "filter.document_ids", "must be an array")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"filter\": {\"document_ids\": [\"jazz\", 7]}}", "filter.document_ids[1]", "must be a string")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"filter\": {\"document_ids\": [\"jazz\", \"\"]}}", "filter.document_ids[1]", "must be a document id")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"filter\": {\"metadata\": \"topic\"}}", "filter.metadata", "must be a JSON object")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"filter\": {\"metadata\": {\"topic\": [\"a\"]}}}", "filter.metadata.topic", "must be a string, number or boolean")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\", \"filter\": {\"metadata\": {\"topic\": null}}}", "filter.metadata.topic", "must be a string, number or boolean")]
    [InlineData("{\"question\": \"What makes a volcano erupt?\",", "body", "is not valid JSON")]
    [InlineData("", "body", "is not valid JSON")]
    [InlineData("null", "body", "must be a JSON object")]
    [InlineData("[\"What makes a volcano erupt?\"]", "body", "must be a JSON object")]
    public async Task InvalidRequest_Answers400_NamingTheField(string json, string field, string expected)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var body = json.Replace("\"LONG\"", JsonSerializer.Serialize(" " + new string('q', 4001) + " "), StringComparison.Ordinal);
        foreach (var path in new[] { Query, Query + "/stream" })
        {
            using var response = await fixture.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);

            var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, path, cancellationToken);
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages),
                $"{path}: the problem does not name '{field}': {problem.GetRawText()}");
            Assert.Contains(expected, messages[0].GetString(), StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task NotJson_Answers415_NamingTheContentType()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        foreach (var path in new[] { Query, Query + "/stream" })
        {
            using var text = await fixture.Client.PostAsync(path, new StringContent("What makes a volcano erupt?", Encoding.UTF8, "text/plain"), cancellationToken);
            using var form = await fixture.Client.PostAsync(path, new FormUrlEncodedContent([new("question", "What makes a volcano erupt?")]), cancellationToken);

            foreach (var response in new[] { text, form })
            {
                var problem = await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, path, cancellationToken);
                Assert.Contains("application/json", problem.GetProperty("errors").GetProperty("content_type")[0].GetString(), StringComparison.Ordinal);
            }
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task BodyOverTheLimit_Answers413_NamingTheBody()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var limit = new RagApp.Gateway.Queries.QueryOptions().MaxRequestBytes;
        // Valid in every other way: 700 ids of 100 characters are ~70 KB, over the 64 KiB default.
        var json = JsonSerializer.Serialize(new
        {
            question = "What makes a volcano erupt?",
            filter = new { document_ids = Enumerable.Range(0, 700).Select(i => $"doc-{i:D4}-{new string('x', 91)}").ToArray() },
        });
        Assert.True(Encoding.UTF8.GetByteCount(json) > limit);

        foreach (var path in new[] { Query, Query + "/stream" })
        {
            using var response = await fixture.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);

            var problem = await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, path, cancellationToken);
            Assert.Contains($"larger than {limit} bytes", problem.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = Timeout)]
    public void OpenApi_DescribesBothEndpoints_WithTheirRequestResponseAndEventSchemas()
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var contract = fixture.Contract;
        foreach (var path in new[] { Query, Query + "/stream" })
        {
            var operation = contract.Operation("POST", path);
            Assert.Equal("#/components/schemas/QueryRequest",
                operation["requestBody"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>());
            foreach (var status in new[] { "400", "409", "413", "415", "502", "503", "504" })
            {
                Assert.True(operation["responses"]?[status] is not null, $"POST {path} does not document {status}.");
            }

            Assert.NotNull(operation["responses"]?["503"]?["headers"]?["Retry-After"]);
        }

        var request = contract.Schema("QueryRequest");
        Assert.Equal(["question"], request["required"]!.AsArray().Select(name => name!.GetValue<string>()));
        Assert.Equal(["filter", "max_results", "question", "session_id"], request["properties"]!.AsObject().Select(property => property.Key).Order());
        Assert.Equal("#/components/schemas/QueryFilter", request["properties"]?["filter"]?["$ref"]?.GetValue<string>());
        Assert.False(request["additionalProperties"]?.GetValue<bool>() ?? true, "QueryRequest does not refuse unknown properties.");
        Assert.Equal(["document_ids", "metadata"], contract.Schema("QueryFilter")["properties"]!.AsObject().Select(property => property.Key).Order());

        Assert.Equal("#/components/schemas/QueryResponse",
            contract.Operation("POST", Query)["responses"]?["200"]?["content"]?["application/json"]?["schema"]?["$ref"]?.GetValue<string>());
        Assert.Equal(ResponseFields.Order(), contract.Schema("QueryResponse")["properties"]!.AsObject().Select(property => property.Key).Order());
        Assert.Equal(SourceFields.Order(), contract.Schema("QuerySource")["properties"]!.AsObject().Select(property => property.Key).Order());

        var events = contract.Operation("POST", Query + "/stream")["responses"]?["200"]?["content"]?["text/event-stream"]?["schema"]?["oneOf"]?.AsArray()
            .Select(shape => shape?["$ref"]?.GetValue<string>()).ToList();
        Assert.Equal(
            ["#/components/schemas/QueryStreamSources", "#/components/schemas/QueryStreamDelta", "#/components/schemas/QueryStreamCompleted", "#/components/schemas/ProblemDetails"],
            events);
        Assert.Contains("latency_ms", contract.Schema("QueryStreamCompleted")["properties"]!.AsObject().Select(property => property.Key));
    }

    private async Task<JsonElement> AskAsync(object request, CancellationToken cancellationToken)
    {
        using var response = await fixture.Client.PostAsJsonAsync(Query, request, cancellationToken);
        return await AssertDocumentedAsync(response, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>
    /// An answer cites by marker [n], each naming a returned source, and "citations" lists exactly those; an abstention
    /// cites nothing.
    /// </summary>
    private static void AssertCitationsPointAtSources(JsonElement body)
    {
        var answer = body.GetProperty("answer").GetString()!;
        Assert.False(string.IsNullOrWhiteSpace(answer));
        var citations = body.GetProperty("citations").EnumerateArray().Select(citation => citation.GetInt32()).Order().ToList();
        if (body.GetProperty("abstained").GetBoolean())
        {
            Assert.Empty(citations);
            return;
        }

        var markers = Marker().Matches(answer).Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)).ToHashSet();
        Assert.NotEmpty(markers);
        Assert.All(markers, marker => Assert.InRange(marker, 1, body.GetProperty("sources").GetArrayLength()));
        Assert.Equal(markers.Order(), citations);
    }

    private static List<string> DocumentIdsOf(JsonElement body) =>
        [.. body.GetProperty("sources").EnumerateArray().Select(source => source.GetProperty("document_id").GetString()!)];

    private async Task<JsonElement> AssertDocumentedAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken, string path = Query)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(expected == response.StatusCode, $"POST {path}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        await fixture.Contract.AssertDocumentedAsync(response, "POST", path, cancellationToken);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string path, CancellationToken cancellationToken)
    {
        var problem = await AssertDocumentedAsync(response, expected, cancellationToken, path);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        foreach (var typeName in new[] { "RagApp.", "System.", "Int32", "String", "QueryRequest", "JsonElement", " at " })
        {
            Assert.DoesNotContain(typeName, problem.GetRawText(), StringComparison.Ordinal);
        }

        return problem;
    }

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Marker();
}
