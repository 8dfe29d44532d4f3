using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging.Abstractions;
using RagApp.Core.Embeddings;
using RagApp.Core.Grpc.V1;

namespace RagApp.Benchmarks;

/// <summary>
/// Query latency of the whole application: starts it in local mode (embedded index, extractive answerer), fills the
/// index with real passages straight through RagApp.Rag's IndexService, and asks distinct questions through the
/// gateway's REST endpoint (RagApp.Rag's gRPC Query, labelled so, where the gateway has no such endpoint), one at a
/// time and then eight at a time. The ceiling, the question embedding alone through RagApp.Rag's own batcher
/// registration in this process, is measured just before the application starts and just after it stops.
/// </summary>
internal static class QueryLatency
{
    private const int Seed = 20261203;
    private const int EmbeddingQuestions = 2_000;
    private const int WarmUpQuestions = 2_000;

    // dotnet run -c Release --project bench/RagApp.Benchmarks -- query-latency [chunks] [questions at 1] [questions at 8] [data folder] [proxied]
    public static async Task RunAsync(string[] args)
    {
        var proxied = args.Contains("proxied");
        args = [.. args.Where(arg => arg != "proxied")];
        var chunkCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
        var atOne = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 500;
        var atEight = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1_000;
        var dataFolder = args.Length > 3 ? args[3] : Path.Combine("..", "shared", "data");
        var questions = QuestionSet.Load(dataFolder, Seed);

        IReadOnlyList<BenchChunk> chunks;
        using (var model = new MiniLmEmbeddingGenerator(new LocalEmbeddingOptions(), logger: NullLogger<MiniLmEmbeddingGenerator>.Instance))
        {
            chunks = await LatencyCorpus.LoadAsync(dataFolder, chunkCount, model);
        }

        var embeddingBefore = await QuestionEmbedding.MeasureAsync(questions.Take(100), questions.Take(EmbeddingQuestions), 8);
        Console.WriteLine(Describe(embeddingBefore));

        var dataDirectory = Path.Combine(Path.GetTempPath(), "ragapp-bench", Guid.NewGuid().ToString("N"));
        var builder = await LocalApplication.CreateBuilderAsync(dataDirectory);
        // The services' own endpoints, as in a deployment: the local orchestrator's proxy (its CPU is the "dcp"
        // column) stays out of both hops unless asked for with "proxied".
        if (!proxied)
        {
            LocalApplication.WithoutProxies(builder, "gateway", "rag");
        }

        LatencyPhase one, eight;
        string label;
        await using (var app = await builder.BuildAsync())
        {
            await app.StartAsync();
            foreach (var resource in new[] { "redis", "rag", "ingest-worker", "gateway" })
            {
                await app.ResourceNotifications.WaitForResourceHealthyAsync(resource);
            }

            using var channel = GrpcChannel.ForAddress(app.GetEndpoint("rag", "http"));
            await IndexWriter.WriteAsync(new IndexService.IndexServiceClient(channel), chunks);
            var stats = await new IndexService.IndexServiceClient(channel).GetStatsAsync(new GetStatsRequest());
            Console.WriteLine($"Index: {stats.ChunkCount} chunks in {stats.DocumentCount} documents ({stats.Store})");

            using var gateway = app.CreateHttpClient("gateway", "http");
            IQueryTarget target = await RestQueryTarget.ExistsAsync(gateway, questions.Take(1)[0], CancellationToken.None)
                ? new RestQueryTarget(gateway)
                : new GrpcQueryTarget(new RagService.RagServiceClient(channel));
            label = target.Label + (proxied ? ", through the local orchestrator's proxies" : ", the services' own endpoints (no orchestrator proxy)");
            Console.WriteLine($"Questions go to: {label}");

            // Warm-up: the connections (HTTP/2 to RagApp.Rag, the client's to the gateway) open, and the services
            // compile and tier up their hot paths. The JIT keeps recompiling hot methods at full optimisation for
            // several seconds of concurrent load (`perf record` showed RagApp.Rag's tiered compiler at 4 % of the
            // machine in the first 3 s of a phase that followed only 200 warm-up questions), so the warm-up runs
            // WarmUpQuestions at 8 in flight: the measured phases are the steady state a running service is in.
            await LatencyPhase.RunAsync(target, questions.Take(WarmUpQuestions), 8);
            await LatencyPhase.RunAsync(target, questions.Take(50), 1);

            one = await LatencyPhase.RunAsync(target, questions.Take(atOne), 1);
            Console.WriteLine(Row(chunks.Count, one));
            // Marks the phase for a profiler attached from outside (perf record -a, see docs/benchmarks.md).
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TIMED START {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0:F2}"));
            eight = await LatencyPhase.RunAsync(target, questions.Take(atEight), 8);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"TIMED END {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0:F2}"));
            Console.WriteLine(Row(chunks.Count, eight));
            await app.StopAsync();
        }

        TryDelete(dataDirectory);
        var embeddingAfter = await QuestionEmbedding.MeasureAsync(questions.Take(100), questions.Take(EmbeddingQuestions), 8);
        Console.WriteLine(Describe(embeddingAfter));
        var embedding = (embeddingBefore.QuestionsPerSecond + embeddingAfter.QuestionsPerSecond) / 2;
        var embeddingCpu = (embeddingBefore.CpuMsPerQuestion + embeddingAfter.CpuMsPerQuestion) / 2;

        Console.WriteLine();
        Console.WriteLine($"Questions to: {label}");
        Console.WriteLine("| chunks | in flight | questions | p50 ms | p95 ms | p99 ms | max ms | questions/s | service latency_ms p50 / p99 | retrieval_ms p50 / p99 | CPU in the phase |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        Console.WriteLine(Row(chunks.Count, one));
        Console.WriteLine(Row(chunks.Count, eight));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Question embedding alone (RagApp.Rag's batcher registration in-process, 8 in flight): {embedding:F0} questions/s (before {embeddingBefore.QuestionsPerSecond:F0}, after {embeddingAfter.QuestionsPerSecond:F0}), {embeddingCpu:F1} CPU-ms per question; at 8 in flight the application answers {eight.QuestionsPerSecond:F0} questions/s = {eight.QuestionsPerSecond / embedding:F2}× of it, RagApp.Rag using {eight.CpuSeconds("RagApp.Rag") * 1000 / eight.Timings.Count:F1} CPU-ms per question and the gateway {eight.CpuSeconds("RagApp.Gateway") * 1000 / eight.Timings.Count:F1}"));
        // On a machine shared with other work the two throughputs get different shares of the cores; CPU time per
        // question does not depend on that share: the ratio the application would reach with both cores to itself.
        var applicationCpu = (eight.CpuSeconds("RagApp.Rag") + eight.CpuSeconds("RagApp.Gateway") + eight.CpuSeconds("dcp")) * 1000 / eight.Timings.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CPU per question at 8 in flight: RagApp.Rag + gateway + dcp {applicationCpu:F1} ms against {embeddingCpu:F1} ms for the embedding alone: {embeddingCpu / applicationCpu:F2}× when CPU-bound"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Goals: p50 at 1 ≤ 40 ms: {one.Client.P50:F1} ({(one.Client.P50 <= 40 ? "met" : "missed")}); p99 at 1 ≤ 120 ms: {one.Client.P99:F1} ({(one.Client.P99 <= 120 ? "met" : "missed")}); throughput at 8 ≥ 0.8×: {eight.QuestionsPerSecond / embedding:F2}× ({(eight.QuestionsPerSecond / embedding >= 0.8 ? "met" : "missed")})"));
    }

    private static string Describe(EmbeddingThroughput throughput) => string.Create(CultureInfo.InvariantCulture,
        $"Question embedding alone, 8 in flight: {throughput.QuestionsPerSecond:F0} questions/s, {throughput.CpuMsPerQuestion:F1} CPU-ms per question");

    private static string Row(int chunks, LatencyPhase phase)
    {
        var (client, service, retrieval) = (phase.Client, phase.Service, phase.Retrieval);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {chunks} | {phase.Concurrency} | {client.Count} | {client.P50:F1} | {client.P95:F1} | {client.P99:F1} | {client.Max:F1} | {phase.QuestionsPerSecond:F1} | {service.P50:F1} / {service.P99:F1} | {retrieval.P50:F1} / {retrieval.P99:F1} | {phase.Cpu} |");
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
