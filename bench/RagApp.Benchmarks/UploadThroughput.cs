using System.Diagnostics;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RagApp.Benchmarks;

/// <summary>
/// What durable acknowledgements cost: starts the application in local mode on one Redis server, stops the worker
/// (so that only the upload path uses the cores), then posts small JSON documents from many clients for a fixed time
/// and counts the 202s per second.
/// </summary>
internal static class UploadThroughput
{
    private const int Clients = 16;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Measured = TimeSpan.FromSeconds(20);

    public static async Task<UploadThroughputResult> RunAsync(string redis, bool durable)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "ragapp-bench", Guid.NewGuid().ToString("N"));
        var builder = await LocalApplication.CreateBuilderAsync(
            dataDirectory, $"RagApp:LocalRedis={redis}", $"RagApp:DurableAcknowledgements={durable}");
        await using var app = await builder.BuildAsync();
        await app.StartAsync();
        foreach (var resource in new[] { "redis", "rag", "ingest-worker", "gateway" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource);
        }

        await app.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync("ingest-worker", KnownResourceCommands.StopCommand);
        await app.ResourceNotifications.WaitForResourceAsync("ingest-worker", KnownResourceStates.TerminalStates);

        using var client = app.CreateHttpClient("gateway", "http");
        await PostForAsync(client, WarmUp);
        var (accepted, other, latencies) = await PostForAsync(client, Measured);
        await app.StopAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }

        latencies.Sort();
        return new UploadThroughputResult(redis, durable, accepted / Measured.TotalSeconds, other,
            latencies[latencies.Count / 2], latencies[(int)(latencies.Count * 0.99)]);
    }

    private static async Task<(int Accepted, int Other, List<double> LatencyMilliseconds)> PostForAsync(HttpClient client, TimeSpan duration)
    {
        var accepted = 0;
        var other = 0;
        var latencies = new List<double>();
        var deadline = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(clientIndex => Task.Run(async () =>
        {
            var mine = new List<double>();
            for (var i = 0; deadline.Elapsed < duration; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.PostAsJsonAsync("/api/v1/documents", new Dictionary<string, object>
                {
                    ["text"] = $"Upload {clientIndex}-{i}: a short note about durable acknowledgements and what they cost.",
                    ["title"] = "Throughput",
                });
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if ((int)response.StatusCode == 202)
                {
                    Interlocked.Increment(ref accepted);
                }
                else
                {
                    Interlocked.Increment(ref other);
                }
            }

            lock (latencies)
            {
                latencies.AddRange(mine);
            }
        })));
        return (accepted, other, latencies);
    }
}
