using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RagApp.Tests.Support;

namespace RagApp.Tests.EndToEnd;

/// <summary>RagApp.Rag going away and coming back: visible in health, and no accepted upload is lost or failed for it.</summary>
[Collection(GarnetAppCollection.Name)]
public sealed class RagOutageTests(GarnetAppFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task StoppingRag_TurnsGatewayHealthTo503_AndStartingItBringsBack200()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = fixture.CreateGatewayClient();

        await fixture.StopResourceAsync("rag", cancellationToken);
        try
        {
            var (status, rag) = await Eventually.MatchAsync(
                () => ReadHealthAsync(client, cancellationToken), health => health.Status == HttpStatusCode.ServiceUnavailable,
                "the gateway to report rag down", Patience, cancellationToken, TimeSpan.FromMilliseconds(500));
            Assert.Equal("unhealthy", rag);
        }
        finally
        {
            await fixture.StartResourceAsync("rag", cancellationToken);
        }

        var (_, ragRecovered) = await Eventually.MatchAsync(
            () => ReadHealthAsync(client, cancellationToken), health => health.Status == HttpStatusCode.OK,
            "the gateway to report rag back", Patience, cancellationToken, TimeSpan.FromMilliseconds(500));
        Assert.Equal("healthy", ragRecovered);
    }

    [Fact]
    public async Task QuestionDuringARagOutage_Is503WithRetryAfter_AndAnsweredWhenRagIsBack()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var client = fixture.CreateGatewayClient();

        await fixture.StopResourceAsync("rag", cancellationToken);
        HttpStatusCode during;
        TimeSpan? retryAfter;
        string problemType;
        try
        {
            using var response = await client.PostAsJsonAsync("/api/v1/query", new { question = "What happens while the index is away?" }, cancellationToken);
            (during, retryAfter) = (response.StatusCode, response.Headers.RetryAfter?.Delta);
            problemType = response.Content.Headers.ContentType?.MediaType ?? "";
        }
        finally
        {
            await fixture.StartResourceAsync("rag", cancellationToken);
        }

        var after = await Eventually.MatchAsync(
            async () =>
            {
                using var response = await client.PostAsJsonAsync("/api/v1/query", new { question = "What happens when the index is back?" }, cancellationToken);
                return response.StatusCode;
            },
            status => status == HttpStatusCode.OK, "questions to be answered again", Patience, cancellationToken, TimeSpan.FromMilliseconds(500));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, during);
        Assert.NotNull(retryAfter);
        Assert.Equal("application/problem+json", problemType);
        Assert.Equal(HttpStatusCode.OK, after);
    }

    [Fact]
    public async Task UploadDuringARagOutage_WaitsWithoutUsingUpAttempts_AndSucceedsWhenRagIsBack()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var api = fixture.CreateGatewayApi();

        await fixture.StopResourceAsync("rag", cancellationToken);
        string jobId;
        JsonElement waiting;
        try
        {
            var accepted = await api.UploadTextAsync(IngestionTests<GarnetAppFixture>.Paragraph(2000, 700), "Outage", "e2e-outage", cancellationToken: cancellationToken);
            jobId = accepted.GetProperty("job_id").GetString()!;
            // The worker finds RagApp.Rag unreachable, hands the job back and waits for it: the job is not failed.
            waiting = await Eventually.MatchAsync(
                () => api.GetJobAsync(jobId, cancellationToken),
                job => job.GetProperty("error").ValueKind == JsonValueKind.String,
                "the worker to find RagApp.Rag unreachable", Patience, cancellationToken, TimeSpan.FromMilliseconds(250));
        }
        finally
        {
            await fixture.StartResourceAsync("rag", cancellationToken);
        }

        var job = await api.WaitForJobAsync(jobId, cancellationToken);

        Assert.Equal(("queued", false), (waiting.GetProperty("status").GetString(), waiting.GetProperty("dead_lettered").GetBoolean()));
        Assert.Contains("RagApp.Rag", waiting.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(200, (await api.GetDocumentAsync("e2e-outage", cancellationToken)).Status);
    }

    private static async Task<(HttpStatusCode Status, string? Rag)> ReadHealthAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync("/api/v1/health", cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (response.StatusCode, body.RootElement.GetProperty("dependencies").GetProperty("rag").GetProperty("status").GetString());
    }
}
