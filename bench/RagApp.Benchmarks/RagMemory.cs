using System.Diagnostics;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Grpc.Net.Client;
using RagApp.Core.Grpc.V1;

namespace RagApp.Benchmarks;

/// <summary>
/// RagApp.Rag's resident set with the index at given sizes: starts the application in local mode (embedded index),
/// writes synthetic one-chunk documents straight through IndexService (unit vectors drawn with a fixed seed, short
/// texts of pseudo-words with a skewed word frequency, so the keyword index has a long tail as real text does), and
/// reads the process's VmRSS once it has settled. Bytes per chunk beyond its text = (RSS growth − the texts' own bytes
/// as .NET strings, 2 per character) / chunks added, from the baseline and from the previous size (the latter is the
/// steadier: the baseline holds start-up memory the process may give back later).
/// </summary>
internal static class RagMemory
{
    private const int Seed = 20261203;
    private const int Dimensions = 384;
    private const int BaselineChunks = 100;
    private const int Vocabulary = 30_000;

    public static async Task RunAsync(string[] args)
    {
        int[] sizes = args.Length > 0 ? [.. args.Select(arg => int.Parse(arg, CultureInfo.InvariantCulture))] : [10_000, 50_000, 100_000];
        var dataDirectory = Path.Combine(Path.GetTempPath(), "ragapp-bench", Guid.NewGuid().ToString("N"));
        var builder = await LocalApplication.CreateBuilderAsync(dataDirectory);
        await using var app = await builder.BuildAsync();
        await app.StartAsync();
        foreach (var resource in new[] { "redis", "rag", "ingest-worker", "gateway" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource);
        }

        var pid = RagPid(app);
        using var channel = GrpcChannel.ForAddress(app.GetEndpoint("rag", "http"));
        var index = new IndexService.IndexServiceClient(channel);
        var rag = new RagService.RagServiceClient(channel);
        var generator = new SyntheticChunks(Seed, Dimensions, Vocabulary);

        // Baseline: a small index and a few questions, so that the model is loaded and the query path compiled.
        var written = 0;
        long textBytes = 0;
        (written, textBytes) = await GrowAsync(index, generator, BaselineChunks, written, textBytes);
        await AskAsync(rag, generator, 20);
        var baseline = await SettledResidentBytesAsync(pid);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Baseline: {written} chunks, RSS {baseline / 1048576.0:F0} MiB"));

        var rows = new List<string>();
        var (previousChunks, previousText, previous) = (written, textBytes, baseline);
        var (baseChunks, baseText) = (written, textBytes);
        foreach (var size in sizes)
        {
            (written, textBytes) = await GrowAsync(index, generator, size, written, textBytes);
            await AskAsync(rag, generator, 20);
            var memory = await SettledResidentBytesAsync(pid);
            double PerChunk(long from, long text, int chunks) => (memory - from - (textBytes - text)) / (double)(written - chunks);
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {written} | {memory / 1048576.0:F0} | {(textBytes - baseText) / 1048576.0:F1} | {PerChunk(baseline, baseText, baseChunks):F0} | {PerChunk(previous, previousText, previousChunks):F0} | {(ProcessMemory.PeakBytes(pid, "RagApp.Rag") ?? 0) / 1048576.0:F0} |"));
            Console.WriteLine(rows[^1]);
            (previousChunks, previousText, previous) = (written, textBytes, memory);
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Baseline ({baseChunks} chunks): RSS {baseline / 1048576.0:F0} MiB"));
        Console.WriteLine("| chunks | RSS MiB | texts added MiB (UTF-16) | bytes per chunk beyond its text, from the baseline | from the previous size | peak RSS MiB |");
        Console.WriteLine("|---|---|---|---|---|---|");
        rows.ForEach(Console.WriteLine);

        await app.StopAsync();
        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Writes chunks until the index holds <paramref name="target"/>, in slices so the benchmark never holds them all.</summary>
    private static async Task<(int Written, long TextBytes)> GrowAsync(IndexService.IndexServiceClient index, SyntheticChunks generator, int target, int written, long textBytes)
    {
        var started = Stopwatch.GetTimestamp();
        while (written < target)
        {
            var slice = generator.Next(written, Math.Min(10_000, target - written));
            await IndexWriter.WriteAsync(index, slice, report: false);
            written += slice.Count;
            textBytes += slice.Sum(chunk => 2L * chunk.Text.Length);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Index at {written} chunks ({Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s)"));
        return (written, textBytes);
    }

    private static async Task AskAsync(RagService.RagServiceClient rag, SyntheticChunks generator, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await rag.QueryAsync(new QueryRequest { Question = generator.Question() });
        }
    }

    /// <summary>
    /// VmRSS once it stops moving: sampled every second until two samples in a row are within 1 MiB (at most 30 s),
    /// so a snapshot being written or a collection under way is not what is measured.
    /// </summary>
    private static async Task<long> SettledResidentBytesAsync(int pid)
    {
        var previous = ProcessMemory.ResidentBytes(pid, "RagApp.Rag") ?? throw new InvalidOperationException("RagApp.Rag's RSS is not readable.");
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var current = ProcessMemory.ResidentBytes(pid, "RagApp.Rag") ?? previous;
            if (Math.Abs(current - previous) < 1024 * 1024)
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }

    private static int RagPid(DistributedApplication app)
    {
        if (!app.ResourceNotifications.TryGetCurrentState("rag", out var state))
        {
            throw new InvalidOperationException("The rag resource has no state.");
        }

        var pid = state.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value;
        return pid is not null && int.TryParse(pid.ToString(), out var processId) && ProcessMemory.Find(processId, "RagApp.Rag") is { } rag
            ? rag
            : throw new InvalidOperationException("The rag resource does not tell its process id.");
    }
}
