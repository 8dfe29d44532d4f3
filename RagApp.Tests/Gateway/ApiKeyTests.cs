using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using RagApp.Tests.Queue;

namespace RagApp.Tests.Gateway;

/// <summary>
/// API keys at the gateway (Gateway:Access:ApiKeys, the AppHost's parameter api-keys): the API needs one of them, health
/// and the OpenAPI document do not, and a key is never written anywhere a log, a trace or an error body would show it.
/// </summary>
public sealed class ApiKeyTests(GarnetQueueServerFixture garnet) : IClassFixture<GarnetQueueServerFixture>
{
    private const int Timeout = 60_000;
    private const string FirstKey = "first-key-6c1f0b4e2d";
    private const string SecondKey = "second-key-93a7d5c8e1";

    private static readonly Dictionary<string, string?> TwoKeys = new() { ["Gateway:Access:ApiKeys"] = $"{FirstKey}, {SecondKey}" };

    [Fact(Timeout = Timeout)]
    public async Task NoKey_OrAWrongKey_Is401ProblemDetails_OnEveryApiGroup()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHost.StartAsync(garnet.ConnectionString, settings: TwoKeys);

        using var upload = await SendAsync(gateway, HttpMethod.Post, "/api/v1/documents", new { text = "No key." }, cancellationToken: cancellationToken);
        using var job = await SendAsync(gateway, HttpMethod.Get, "/api/v1/jobs/some-job", cancellationToken: cancellationToken);
        using var documents = await SendAsync(gateway, HttpMethod.Get, "/api/v1/documents", cancellationToken: cancellationToken);
        using var query = await SendAsync(gateway, HttpMethod.Post, "/api/v1/query", new { question = "Who may ask?" }, cancellationToken: cancellationToken);
        using var wrong = await SendAsync(gateway, HttpMethod.Post, "/api/v1/documents", new { text = "Wrong key." }, request => request.Headers.Add("X-Api-Key", "not-a-key"), cancellationToken: cancellationToken);
        using var wrongBearer = await SendAsync(gateway, HttpMethod.Post, "/api/v1/query", new { question = "Who may ask?" },
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", FirstKey + "x"), cancellationToken: cancellationToken);

        foreach (var response in new[] { upload, job, documents, query, wrong, wrongBearer })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal("An API key is required.", (await ProblemOf(upload, cancellationToken: cancellationToken)).GetProperty("title").GetString());
        Assert.Equal("The API key is not valid.", (await ProblemOf(wrong, cancellationToken: cancellationToken)).GetProperty("title").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task EachConfiguredKey_IsLetIn_AsHeaderOrBearerToken()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHost.StartAsync(garnet.ConnectionString, settings: TwoKeys);

        using var first = await SendAsync(gateway, HttpMethod.Post, "/api/v1/documents", new { text = "Sent with the first key." }, request => request.Headers.Add("X-Api-Key", FirstKey), cancellationToken: cancellationToken);
        using var second = await SendAsync(gateway, HttpMethod.Post, "/api/v1/documents", new { text = "Sent with the second key." },
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecondKey), cancellationToken: cancellationToken);
        var jobId = (await first.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("job_id").GetString();
        using var job = await SendAsync(gateway, HttpMethod.Get, $"/api/v1/jobs/{jobId}", configure: request => request.Headers.Add("X-Api-Key", SecondKey), cancellationToken: cancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, job.StatusCode);
    }

    [Fact(Timeout = Timeout)]
    public async Task HealthAndTheOpenApiDocument_StayOpen_WhenKeysAreSet()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHost.StartAsync(garnet.ConnectionString, settings: TwoKeys);

        using var health = await gateway.Client.GetAsync("/api/v1/health", cancellationToken);
        using var alive = await gateway.Client.GetAsync("/alive", cancellationToken);
        using var openApi = await gateway.Client.GetAsync("/openapi/v1.json", cancellationToken);

        // No RagApp.Rag behind this gateway: its health is 503, but it answers without a key.
        Assert.NotEqual(HttpStatusCode.Unauthorized, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
    }

    [Fact(Timeout = Timeout)]
    public async Task NoKeysConfigured_TheApiIsOpen()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var gateway = await GatewayHost.StartAsync(garnet.ConnectionString);

        using var upload = await SendAsync(gateway, HttpMethod.Post, "/api/v1/documents", new { text = "No keys anywhere." }, cancellationToken: cancellationToken);

        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
    }

    [Fact(Timeout = Timeout)]
    public async Task Keys_NeverAppear_InLogsTracesOrErrorBodies()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        const string guessed = "guessed-key-5e0d77aa41";
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (spans) { spans.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        await using var gateway = await GatewayHost.StartAsync(garnet.ConnectionString, settings: TwoKeys,
            logging: logging => logging.AddFakeLogging().SetMinimumLevel(LogLevel.Trace));

        var bodies = new List<string>();
        foreach (var configure in new Action<HttpRequestMessage>[]
        {
            request => request.Headers.Add("X-Api-Key", FirstKey),
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SecondKey),
            request => request.Headers.Add("X-Api-Key", guessed),
            request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", guessed),
        })
        {
            using var upload = await SendAsync(gateway, HttpMethod.Post, "/api/v1/documents", new { text = "Who sent this?" }, configure, cancellationToken: cancellationToken);
            using var query = await SendAsync(gateway, HttpMethod.Post, "/api/v1/query", new { question = "x" }, configure, cancellationToken: cancellationToken);
            bodies.Add(await upload.Content.ReadAsStringAsync(cancellationToken));
            bodies.Add(await query.Content.ReadAsStringAsync(cancellationToken));
        }

        var logged = gateway.Services.GetFakeLogCollector().GetSnapshot()
            .Select(record => $"{record.Message} {record.Exception} {string.Join(' ', record.StructuredState?.Select(pair => pair.Value) ?? [])}")
            .ToList();
        List<string> tags;
        lock (spans)
        {
            tags = [.. spans.SelectMany(span => span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}").Append(span.DisplayName))];
        }

        Assert.NotEmpty(logged);
        Assert.Contains(logged, line => line.Contains("API key is none of the configured ones", StringComparison.Ordinal));
        Assert.NotEmpty(tags);
        foreach (var key in new[] { FirstKey, SecondKey, guessed })
        {
            Assert.DoesNotContain(logged, line => line.Contains(key, StringComparison.Ordinal));
            Assert.DoesNotContain(tags, tag => tag.Contains(key, StringComparison.Ordinal));
            Assert.DoesNotContain(bodies, body => body.Contains(key, StringComparison.Ordinal));
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(
        GatewayHost gateway, HttpMethod method, string path, object? body = null, Action<HttpRequestMessage>? configure = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        configure?.Invoke(request);
        return await gateway.Client.SendAsync(request, cancellationToken);
    }

    private static async Task<JsonElement> ProblemOf(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
}
