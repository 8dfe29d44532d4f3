using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace RagApp.Reliability;

/// <summary>
/// Sends every hostile input once: each must be answered 4xx with problem details, or accepted and end as a job
/// that failed with a reason (or succeeded, for inputs a user may rightly send, such as a Latin-1 text); no 5xx,
/// no service process may crash, and the worker's memory stays under a bound.
/// </summary>
internal static class HostileInputScenario
{
    public static async Task<ScenarioReport> RunAsync(AppUnderTest app, long workerMemoryBound, int seed, CancellationToken cancellationToken)
    {
        var report = new ScenarioReport("Hostile input: malformed documents and requests on both upload paths");
        var before = ServiceProcesses.Services.ToDictionary(name => name, name => app.Processes.Find(name));
        var outcomes = new Dictionary<string, int>();
        var wrong = new List<string>();
        var jobs = new Dictionary<string, string>();
        var inputs = 0;
        var clock = Stopwatch.StartNew();
        foreach (var (kind, request) in HostileInputs.Create(seed))
        {
            inputs++;
            using var message = request();
            if (message.Content?.Headers.ContentLength > 1024 * 1024)
            {
                // As curl does above 1 MiB: the gateway can refuse a body it will not take (413) before it is sent.
                // Without it, a refusal mid-body closes the connection while the client still writes.
                message.Headers.ExpectContinue = true;
            }

            HttpResponseMessage response;
            try
            {
                response = await app.Gateway.Http.SendAsync(message, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                // The gateway closed the connection before answering (or before taking the whole body).
                outcomes["connection closed"] = outcomes.GetValueOrDefault("connection closed") + 1;
                wrong.Add($"{kind}: connection closed without an answer ({exception.InnerException?.Message ?? exception.Message})");
                continue;
            }

            using var disposeResponse = response;
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            outcomes[$"{status}"] = outcomes.GetValueOrDefault($"{status}") + 1;
            if (status >= 500)
            {
                wrong.Add($"{kind}: {status}");
            }
            else if (status >= 400 && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                wrong.Add($"{kind}: {status} without problem details ({response.Content.Headers.ContentType?.MediaType ?? "no content type"})");
            }
            else if (status == 202)
            {
                using var accepted = JsonDocument.Parse(body);
                var documents = accepted.RootElement.TryGetProperty("documents", out var list) ? list.EnumerateArray().ToList() : [accepted.RootElement];
                foreach (var document in documents)
                {
                    jobs[document.GetProperty("job_id").GetString()!] = kind;
                }
            }
        }

        foreach (var (kind, stalled) in StalledBodies())
        {
            inputs++;
            var (status, seconds) = await SendStalledAsync(stalled, cancellationToken);
            outcomes[$"{status} (stalled body)"] = outcomes.GetValueOrDefault($"{status} (stalled body)") + 1;
            if (status is not 408)
            {
                wrong.Add($"{kind}: {(status == 0 ? "no answer" : status)} after {seconds:F1} s (want 408)");
            }
        }

        var views = await app.Gateway.WaitForJobsAsync(jobs.Keys, TimeSpan.FromMinutes(10), cancellationToken);
        foreach (var (jobId, view) in views)
        {
            outcomes[$"job {view?.Status ?? "lost"}"] = outcomes.GetValueOrDefault($"job {view?.Status ?? "lost"}") + 1;
            if (view is null || !view.EndedWellFormed)
            {
                wrong.Add($"{jobs[jobId]}: job {view?.Status ?? "lost"}");
            }
        }

        var after = ServiceProcesses.Services.ToDictionary(name => name, name => app.Processes.Find(name));
        var crashed = ServiceProcesses.Services.Where(name => before[name] != after[name]).ToList();
        var workerPeak = after[ServiceProcesses.Worker] is { } worker ? ServiceProcesses.Memory(worker)?.Peak ?? 0 : 0;
        report.Figure("inputs", $"{inputs} in {clock.Elapsed.TotalSeconds:F0} s (seed {seed})");
        report.Figure("answers and job outcomes", string.Join(", ", outcomes.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}: {pair.Value}")));
        report.Check("answers of 5xx, 4xx without problem details, jobs without a reason", wrong.Count == 0, wrong.Count == 0 ? "0" : $"{wrong.Count}: {string.Join("; ", wrong.Take(5))}");
        report.Check("service processes that crashed or restarted", crashed.Count == 0, crashed.Count == 0 ? "none" : string.Join(", ", crashed));
        report.Check($"worker peak resident memory (bound {workerMemoryBound / 1024 / 1024} MiB)", workerPeak > 0 && workerPeak < workerMemoryBound, $"{workerPeak / 1024.0 / 1024.0:F0} MiB");
        return report;
    }

    private static IEnumerable<(string Kind, byte[] Head)> StalledBodies()
    {
        yield return ("stalled JSON body", Head("application/json", 100_000, "{\"text\":\"some"u8.ToArray()));
        yield return ("stalled multipart body", Head("multipart/form-data; boundary=b", 1_000_000, "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nsome"u8.ToArray()));
        yield return ("stalled body before its first byte", Head("application/json", 1000, []));
        yield return ("stalled chunked body", Encoding.ASCII.GetBytes("POST /api/v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"tex\r\n"));
    }

    private static byte[] Head(string contentType, int contentLength, byte[] start) =>
        Encoding.ASCII.GetBytes($"POST /api/v1/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: {contentType}\r\nContent-Length: {contentLength}\r\n\r\n").Concat(start).ToArray();

    /// <summary>Sends the start of a request and then nothing; returns the status the server answered with, 0 if none within 90 s.</summary>
    private static async Task<(int Status, double Seconds)> SendStalledAsync(byte[] head, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(AppUnderTest.GatewayAddress.Host, AppUnderTest.GatewayAddress.Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(head, cancellationToken);
        var clock = Stopwatch.StartNew();
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(90));
        var buffer = new byte[4096];
        try
        {
            var read = await stream.ReadAsync(buffer, bound.Token);
            var statusLine = Encoding.ASCII.GetString(buffer, 0, read).Split("\r\n")[0];
            var parts = statusLine.Split(' ');
            return (parts.Length > 1 && int.TryParse(parts[1], out var status) ? status : 0, clock.Elapsed.TotalSeconds);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, clock.Elapsed.TotalSeconds);
        }
        catch (IOException)
        {
            return (0, clock.Elapsed.TotalSeconds);
        }
    }
}
