using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace RagApp.Benchmarks;

/// <summary>The gateway's <c>POST /api/v1/query</c>: the path a client of the product takes.</summary>
internal sealed class RestQueryTarget(HttpClient client) : IQueryTarget
{
    private const string Path = "/api/v1/query";

    public string Label => $"gateway REST POST {Path}";

    /// <summary>
    /// Whether the gateway serves the endpoint: a question is posted, and any answer but 404 or 405 (no such route)
    /// counts as served. Anything other than success is then reported by the first measured question.
    /// </summary>
    public static async Task<bool> ExistsAsync(HttpClient client, string question, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(Path, new Dictionary<string, object> { ["question"] = question }, cancellationToken);
        return response.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed);
    }

    public async Task<QueryTiming> AskAsync(string question, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.PostAsJsonAsync(Path, new Dictionary<string, object> { ["question"] = question }, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"{Path} answered {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        }

        using var json = JsonDocument.Parse(body);
        return new QueryTiming(elapsed, Number(json.RootElement, "retrieval_ms"), Number(json.RootElement, "latency_ms"));
    }

    private static double? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : null;
}
