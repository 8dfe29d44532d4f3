using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RagApp.Tests.Index;

namespace RagApp.Tests.Gateway;

/// <summary>
/// What the query endpoints answer when RagApp.Rag cannot: 503 with Retry-After while it is down, 504 when a question
/// outlives Gateway:Query:Timeout (and RagApp.Rag is told to stop), 409 when the index was built with another
/// embedding model; always problem details as the OpenAPI document describes them.
/// </summary>
[Collection(QueryGatewayCollection.Name)]
public sealed class QueryFailureTests(QueryGatewayFixture fixture)
{
    private const int Timeout = 120_000;
    private static readonly string[] Paths = ["/api/v1/query", "/api/v1/query/stream"];

    [Fact(Timeout = Timeout)]
    public async Task RagStopped_BothEndpoints_Answer503WithRetryAfter()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        var rag = await IndexServiceHost.StartAsync(directory.Path, withQueries: false);
        GatewayHost gateway;
        try
        {
            gateway = await GatewayHost.StartAsync(fixture.Garnet.ConnectionString, rag.Address);
        }
        finally
        {
            // Stopped before any question: the gateway knows its address, and nothing listens there any more.
            await rag.DisposeAsync();
        }

        await using var _ = gateway;

        foreach (var path in Paths)
        {
            using var response = await gateway.Client.PostAsJsonAsync(path, new { question = "What makes a volcano erupt?" }, cancellationToken);

            var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, path, cancellationToken);
            Assert.True(response.Headers.RetryAfter?.Delta is { } delay && delay > TimeSpan.Zero, $"{path}: 503 without a Retry-After delay.");
            Assert.Contains("not reachable", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task QuestionOutlivesTheTimeout_Answers504_AndRagAppRagIsCancelled_WithAnswererHeldOpen()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string question = "Where did jazz music originate, with no time to answer?";
        var held = fixture.Answerer.Hold(question);
        await using var gateway = await GatewayHost.StartAsync(fixture.Garnet.ConnectionString, fixture.Rag.Address,
            new Dictionary<string, string?> { ["Gateway:Query:Timeout"] = "00:00:01" });

        using var response = await gateway.Client.PostAsJsonAsync("/api/v1/query", new { question }, cancellationToken);

        var problem = await AssertProblemAsync(response, HttpStatusCode.GatewayTimeout, "/api/v1/query", cancellationToken);
        Assert.Contains("Gateway:Query:Timeout", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(held.Started.IsCompleted, "the question never reached the answerer");
        // The deadline went with the call: RagApp.Rag stops working on it too.
        await held.Cancelled.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
    }

    [Fact(Timeout = Timeout)]
    public async Task CallOutlivesTheRagDeadline_Answers504_WellBeforeTheQuestionsTime_WithAnswererHeldOpen()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string question = "Where did jazz music originate, past the call's deadline?";
        var held = fixture.Answerer.Hold(question);
        await using var gateway = await GatewayHost.StartAsync(fixture.Garnet.ConnectionString, fixture.Rag.Address,
            new Dictionary<string, string?> { ["Gateway:Rag:Deadline"] = "00:00:01", ["Gateway:Query:Timeout"] = "00:05:00" });

        var started = System.Diagnostics.Stopwatch.StartNew();
        using var response = await gateway.Client.PostAsJsonAsync("/api/v1/query", new { question }, cancellationToken);
        started.Stop();

        var problem = await AssertProblemAsync(response, HttpStatusCode.GatewayTimeout, "/api/v1/query", cancellationToken);
        Assert.Contains("Gateway:Rag:Deadline", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The call's bound (1 s), not the question's (5 min), ended it; the bound here is only against a hang.
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(60), $"answered after {started.Elapsed}");
        await held.Cancelled.WaitAsync(TimeSpan.FromSeconds(20), cancellationToken);
    }

    [Fact(Timeout = Timeout)]
    public async Task IndexOfAnotherEmbeddingModel_Answers409NamingBothModels()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        await using var rag = await IndexServiceHost.StartAsync(directory.Path, withQueries: true);
        await rag.Client.UpsertAsync(TestDocument.Create("other", new Random(5), "Vectors of another model."));
        await using var gateway = await GatewayHost.StartAsync(fixture.Garnet.ConnectionString, rag.Address);

        foreach (var path in Paths)
        {
            using var response = await gateway.Client.PostAsJsonAsync(path, new { question = "What makes a volcano erupt?" }, cancellationToken);

            var problem = await AssertProblemAsync(response, HttpStatusCode.Conflict, path, cancellationToken);
            Assert.Contains($"'{TestDocument.Model}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("'all-MiniLM-L6-v2'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
    }

    private async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string path, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(expected == response.StatusCode, $"POST {path}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await fixture.Contract.AssertDocumentedAsync(response, "POST", path, cancellationToken);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
