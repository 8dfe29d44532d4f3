using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RagApp.Benchmarks;

/// <summary>
/// Starts the whole application in local mode (as `dotnet run --project RagApp.AppHost` would on a bare
/// machine, with a fresh data directory), uploads every document through the gateway's REST API and
/// waits until each job has ended: upload to searchable.
/// </summary>
internal static class EndToEndIngestion
{
    private const int UploadConcurrency = 8;

    public static async Task<EndToEndResult> RunAsync(IReadOnlyList<CranfieldDocument> documents, IReadOnlyDictionary<string, string> serviceSettings)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "ragapp-bench", Guid.NewGuid().ToString("N"));
        var builder = await LocalApplication.CreateBuilderAsync(dataDirectory);
        // "Setting=value" goes to the worker; "service/Setting=value" to that service ("*/" to every .NET service).
        foreach (var (key, value) in serviceSettings)
        {
            var target = key.Contains('/', StringComparison.Ordinal) ? key[..key.IndexOf('/', StringComparison.Ordinal)] : "ingest-worker";
            var name = key[(key.IndexOf('/', StringComparison.Ordinal) + 1)..].Replace(":", "__", StringComparison.Ordinal);
            foreach (var project in builder.Resources.OfType<ProjectResource>().Where(resource => target == "*" || resource.Name == target))
            {
                builder.CreateResourceBuilder(project).WithEnvironment(name, value);
            }
        }

        await using var app = await builder.BuildAsync();
        await app.StartAsync();
        foreach (var resource in new[] { "redis", "rag", "ingest-worker", "gateway" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource);
        }

        using var client = app.CreateHttpClient("gateway", "http");
        client.Timeout = TimeSpan.FromMinutes(5);

        // Warm-up, as for the raw model: the services' JIT compiles and tiers up their hot paths on the first
        // few hundred requests. Synthetic texts, so that no corpus chunk is in the embedding cache afterwards.
        await WaitForJobsAsync(client, await UploadAsync(client, WarmUpDocuments(200)));

        // Marks the start for a profiler attached from outside (perf record -a, see docs/benchmarks.md).
        var startedAt = DateTimeOffset.UtcNow;
        Console.WriteLine(FormattableString.Invariant($"TIMED START {startedAt.ToUnixTimeMilliseconds() / 1000.0:F2}"));
        var cpuBefore = ProcessCpu.Snapshot();
        var jobs = await UploadAsync(client, documents);
        await WaitForLastJobAsync(client, jobs[^1]);
        Console.WriteLine(FormattableString.Invariant($"TIMED END {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0:F2}"));
        var cpu = ProcessCpu.Describe(cpuBefore, ProcessCpu.Snapshot());
        var (succeeded, chunks, lastCompletedAt) = await WaitForJobsAsync(client, jobs);
        // Upload → searchable: from the first upload to the moment the last job was acknowledged, by the job's own
        // completed_at (the services and the benchmark share the machine's clock).
        var elapsed = lastCompletedAt - startedAt;
        var workerPeak = WorkerPeakBytes(app);
        await app.StopAsync();
        TryDelete(dataDirectory);
        return new EndToEndResult(documents.Count, succeeded, chunks, elapsed, workerPeak, cpu);
    }

    private static async Task<string[]> UploadAsync(HttpClient client, IReadOnlyList<CranfieldDocument> documents)
    {
        var jobs = new string[documents.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, documents.Count), new ParallelOptions { MaxDegreeOfParallelism = UploadConcurrency }, async (i, cancellationToken) =>
        {
            var document = documents[i];
            using var response = await client.PostAsJsonAsync("/api/v1/documents",
                new Dictionary<string, object> { ["text"] = document.Text, ["title"] = document.Title, ["document_id"] = $"cranfield-{document.Id}" },
                cancellationToken);
            response.EnsureSuccessStatusCode();
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            jobs[i] = body.RootElement.GetProperty("job_id").GetString()!;
        });
        return jobs;
    }

    private static List<CranfieldDocument> WarmUpDocuments(int count)
    {
        var random = new Random(20261126);
        string[] words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima"];
        return [.. Enumerable.Range(0, count).Select(i => new CranfieldDocument(
            $"warmup-{i}",
            $"Warm-up {i}",
            string.Join(' ', Enumerable.Range(0, 40 + random.Next(200)).Select(_ => words[random.Next(words.Length)]))))];
    }

    /// <summary>
    /// Polls only the last job uploaded until it has ended: jobs run roughly in upload order, so by then (almost)
    /// every job has, and the benchmark's own polling (one request per job, each a gateway request and a Redis read
    /// on the cores being measured) stays out of the timed phase.
    /// </summary>
    private static async Task WaitForLastJobAsync(HttpClient client, string jobId)
    {
        while (await ReadEndedJobAsync(client, jobId) is null)
        {
            await Task.Delay(200);
        }
    }

    /// <summary>Reads every job until each has ended; the latest completion time is the end of the run.</summary>
    private static async Task<(int Succeeded, int Chunks, DateTimeOffset LastCompletedAt)> WaitForJobsAsync(HttpClient client, IReadOnlyList<string> jobs)
    {
        var pending = new List<string>(jobs);
        var succeeded = 0;
        var chunks = 0;
        var lastCompletedAt = DateTimeOffset.MinValue;
        while (pending.Count > 0)
        {
            var stillPending = new List<string>();
            foreach (var jobId in pending)
            {
                if (await ReadEndedJobAsync(client, jobId) is not { } job)
                {
                    stillPending.Add(jobId);
                    continue;
                }

                lastCompletedAt = job.CompletedAt > lastCompletedAt ? job.CompletedAt : lastCompletedAt;
                if (job.Succeeded)
                {
                    succeeded++;
                    chunks += job.ChunkCount;
                }
            }

            pending = stillPending;
            if (pending.Count > 0)
            {
                await Task.Delay(200);
            }
        }

        return (succeeded, chunks, lastCompletedAt);
    }

    /// <summary>The job's outcome once it has ended (succeeded, unchanged or dead-lettered); null while it runs.</summary>
    private static async Task<(bool Succeeded, int ChunkCount, DateTimeOffset CompletedAt)?> ReadEndedJobAsync(HttpClient client, string jobId)
    {
        using var body = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/jobs/{jobId}"));
        var job = body.RootElement;
        var status = job.GetProperty("status").GetString();
        var ended = status is "succeeded" or "unchanged" || (status == "failed" && job.GetProperty("dead_lettered").GetBoolean());
        if (!ended)
        {
            return null;
        }

        var succeeded = status != "failed";
        return (succeeded, succeeded ? job.GetProperty("chunk_count").GetInt32() : 0, job.GetProperty("completed_at").GetDateTimeOffset());
    }

    private static long? WorkerPeakBytes(DistributedApplication app)
    {
        if (!app.ResourceNotifications.TryGetCurrentState("ingest-worker", out var state))
        {
            return null;
        }

        var pid = state.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value;
        return pid is not null && int.TryParse(pid.ToString(), out var processId)
            ? ProcessMemory.PeakBytes(processId, "RagApp.Ingest.Worker")
            : null;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
