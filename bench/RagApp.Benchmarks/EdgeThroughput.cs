using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RagApp.Core.Embeddings;
using RagApp.Core.Grpc.V1;

namespace RagApp.Benchmarks;

/// <summary>
/// The gateway's edge under load: cache hits of one question at 64 connections (wrk), API key check and rate limiter in
/// the path (the limit far above the load), against a bare Kestrel endpoint in this process that parses and validates
/// the same body and returns the same bytes from memory; both in the same run, each measured on its own port (the
/// gateway's endpoint is not proxied by the local orchestrator here). RagApp.Rag's CPU during the gateway's run shows
/// whether the hits kept the load off it.
/// </summary>
internal static partial class EdgeThroughput
{
    private const int WarmUpSeconds = 5;

    private const string Question = "What is the boundary layer on a flat plate?";

    // dotnet run -c Release --project bench/RagApp.Benchmarks -- edge [seconds=10] [connections=64] [rounds=2] [data folder]
    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        var connections = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 64;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 2;
        var dataFolder = args.Length > 3 ? args[3] : Path.Combine("..", "shared", "data");
        var apiKey = $"bench-{Guid.NewGuid():N}";
        var body = JsonSerializer.Serialize(new { question = Question, max_results = 5 });

        IReadOnlyList<BenchChunk> chunks;
        using (var model = new MiniLmEmbeddingGenerator(new LocalEmbeddingOptions(), logger: NullLogger<MiniLmEmbeddingGenerator>.Instance))
        {
            chunks = await LatencyCorpus.LoadAsync(dataFolder, 1_000, model);
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), "ragapp-bench", Guid.NewGuid().ToString("N"));
        var builder = await LocalApplication.CreateBuilderAsync(dataDirectory, $"Parameters:api-keys={apiKey}");
        // The gateway's own endpoint: without the local orchestrator's proxy in front of it.
        LocalApplication.WithoutProxies(builder, "gateway");
        await using var app = await builder.BuildAsync();
        await app.StartAsync();
        foreach (var resource in new[] { "redis", "rag", "ingest-worker", "gateway" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource);
        }

        using (var channel = GrpcChannel.ForAddress(app.GetEndpoint("rag", "http")))
        {
            await IndexWriter.WriteAsync(new IndexService.IndexServiceClient(channel), chunks, report: false);
        }

        var gatewayUrl = new Uri(app.GetEndpoint("gateway", "http"), "/api/v1/query");
        using var client = new HttpClient();
        var (first, firstCached) = await AskAsync(client, gatewayUrl, body, apiKey);
        var (hit, hitCached) = await AskAsync(client, gatewayUrl, body, apiKey);
        Console.WriteLine($"Gateway {gatewayUrl}: first answer cached={firstCached}, second cached={hitCached} ({hit.Length} bytes)");
        if (!hitCached)
        {
            Console.WriteLine("The second answer was not a cache hit: the gateway's run below measures the miss path.");
        }

        await using var bare = await StartBareEndpointAsync(hit);
        var script = Path.Combine(dataDirectory, "post.lua");
        await File.WriteAllTextAsync(script, WrkScript(body, apiKey));

        Console.WriteLine($"wrk: {connections} connections, 2 threads, {seconds} s per run, {rounds} rounds, machine: {Environment.ProcessorCount} cores");
        Console.WriteLine("| endpoint | round | requests/s | p50 ms | p99 ms | non-2xx | CPU in the run |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        // Round 0 warms both up and is not counted: the first seconds under load are the runtime compiling the hot
        // paths again with full optimisation (tiered compilation) and the thread pool growing, not the steady state.
        await RunWrkAsync("bare Kestrel (warm-up, not counted)", 0, bare.Url, script, WarmUpSeconds, connections);
        await RunWrkAsync("gateway (warm-up, not counted)", 0, gatewayUrl, script, WarmUpSeconds, connections);
        var bareRuns = new List<WrkResult>();
        var gatewayRuns = new List<WrkResult>();
        for (var round = 1; round <= rounds; round++)
        {
            bareRuns.Add(await RunWrkAsync("bare Kestrel", round, bare.Url, script, seconds, connections));
            gatewayRuns.Add(await RunWrkAsync("gateway", round, gatewayUrl, script, seconds, connections));
        }

        var bareRate = bareRuns.Average(run => run.RequestsPerSecond);
        var gatewayRate = gatewayRuns.Average(run => run.RequestsPerSecond);
        var p99 = gatewayRuns.Max(run => run.P99Milliseconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Gateway {gatewayRate:F0} requests/s against bare Kestrel {bareRate:F0}: {gatewayRate / bareRate:F2}× (goal ≥ 0.70×); gateway p99 {p99:F2} ms (goal ≤ 5 ms)"));
        await app.StopAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A service may still be flushing; the temp cleaner takes it.
        }
    }

    private static async Task<(byte[] Body, bool Cached)> AskAsync(HttpClient client, Uri url, string body, string apiKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", apiKey);
        using var response = await client.SendAsync(request);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"The gateway answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        }

        using var json = JsonDocument.Parse(bytes);
        return (bytes, json.RootElement.TryGetProperty("cached", out var cached) && cached.GetBoolean());
    }

    /// <summary>
    /// What any edge must do at least: read and validate the body (question 3..4000 characters after trimming,
    /// max_results 1..20) and answer the same bytes, from memory.
    /// </summary>
    private static async Task<BareEndpoint> StartBareEndpointAsync(byte[] answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost("/api/v1/query", async (HttpContext context) =>
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var root = json.RootElement;
            var question = root.TryGetProperty("question", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString()!.Trim() : null;
            var maxResults = root.TryGetProperty("max_results", out var m) && m.TryGetInt32(out var parsed) ? parsed : 5;
            if (question is null || question.Length is < 3 or > 4000 || maxResults is < 1 or > 20)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest);
            }

            return Results.Bytes(answer, "application/json");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new BareEndpoint(app, new Uri(new Uri(address), "/api/v1/query"));
    }

    private static string WrkScript(string body, string apiKey) => $$"""
        wrk.method = "POST"
        wrk.body = '{{body.Replace("'", "\\'", StringComparison.Ordinal)}}'
        wrk.headers["Content-Type"] = "application/json"
        wrk.headers["X-Api-Key"] = "{{apiKey}}"
        """;

    private static async Task<WrkResult> RunWrkAsync(string name, int round, Uri url, string script, int seconds, int connections)
    {
        var before = ProcessCpu.Snapshot();
        var start = new ProcessStartInfo("wrk", ["-t2", $"-c{connections}", $"-d{seconds}s", "--latency", "--timeout", "5s", "-s", script, url.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var wrk = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start (apt-get install -y wrk).");
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var cpu = ProcessCpu.Describe(before, ProcessCpu.Snapshot());
        var result = new WrkResult(
            double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Milliseconds(Percentile(output, "50%")),
            Milliseconds(Percentile(output, "99%")),
            NonSuccess().Match(output) is { Success: true } non ? long.Parse(non.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | {round} | {result.RequestsPerSecond:F0} | {result.P50Milliseconds:F2} | {result.P99Milliseconds:F2} | {result.NonSuccess} | {cpu} |"));
        return result;
    }

    private static string Percentile(string output, string label) =>
        Regex.Match(output, $@"^\s*{Regex.Escape(label)}\s+([\d.]+(?:us|ms|s))\s*$", RegexOptions.Multiline).Groups[1].Value;

    private static double Milliseconds(string value) => value switch
    {
        _ when value.EndsWith("us", StringComparison.Ordinal) => double.Parse(value[..^2], CultureInfo.InvariantCulture) / 1000,
        _ when value.EndsWith("ms", StringComparison.Ordinal) => double.Parse(value[..^2], CultureInfo.InvariantCulture),
        _ when value.EndsWith('s') => double.Parse(value[..^1], CultureInfo.InvariantCulture) * 1000,
        _ => double.NaN,
    };

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    private sealed record WrkResult(double RequestsPerSecond, double P50Milliseconds, double P99Milliseconds, long NonSuccess);

    private sealed class BareEndpoint(WebApplication app, Uri url) : IAsyncDisposable
    {
        public Uri Url { get; } = url;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
