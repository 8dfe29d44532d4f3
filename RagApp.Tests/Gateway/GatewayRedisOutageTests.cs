using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RagApp.Tests.Queue;

namespace RagApp.Tests.Gateway;

/// <summary>
/// With its Redis stopped, the gateway says so at once: 503 problem details with Retry-After, within a bound well below
/// the Redis client's command timeout (5 s), rather than a 500 after it.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayRedisOutageTests(GatewayFixture fixture)
{
    private static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(2);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RedisStopped_JobStatusAndUpload_Answer503WithRetryAfterQuickly()
    {
        // Its own Garnet, so that stopping it leaves the shared one alone.
        var garnet = new GarnetQueueServerFixture();
        await garnet.InitializeAsync();
        var garnetStopped = false;
        await using var gateway = await GatewayHost.StartAsync(garnet.ConnectionString);
        try
        {
            using var accepted = await gateway.Client.PostAsJsonAsync("/api/v1/documents", new { text = "Written while Redis is up." }, Cancellation);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var jobId = (await accepted.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("job_id").GetString();
            using (var before = await gateway.Client.GetAsync($"/api/v1/jobs/{jobId}", Cancellation))
            {
                Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            }

            await garnet.DisposeAsync();
            garnetStopped = true;

            await AssertUnavailableQuicklyAsync(
                () => gateway.Client.GetAsync($"/api/v1/jobs/{jobId}", Cancellation), "GET", "/api/v1/jobs/{id}");
            await AssertUnavailableQuicklyAsync(
                () => gateway.Client.PostAsJsonAsync("/api/v1/documents", new { text = "Written while Redis is down." }, Cancellation),
                "POST", "/api/v1/documents");
        }
        finally
        {
            if (!garnetStopped)
            {
                await garnet.DisposeAsync();
            }
        }
    }

    private async Task AssertUnavailableQuicklyAsync(Func<Task<HttpResponseMessage>> send, string method, string path)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await send();
        stopwatch.Stop();

        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{method} {path} with Redis down: expected 503, got {(int)response.StatusCode}: {body}");
        Assert.True(stopwatch.Elapsed < AnswerBound, $"{method} {path} with Redis down took {stopwatch.Elapsed.TotalSeconds:F1} s to answer; the bound is {AnswerBound.TotalSeconds} s.");
        Assert.True(response.Headers.RetryAfter?.Delta is { } delay && delay > TimeSpan.Zero, $"{method} {path}: 503 without a Retry-After delay.");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await fixture.Contract.AssertDocumentedAsync(response, method, path, Cancellation);
    }
}
