using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagApp.Rag.Retrieval;

namespace RagApp.Benchmarks;

/// <summary>
/// The question embedding alone, as RagApp.Rag does it: its own registration (the MiniLM generator with one thread
/// per call, the <see cref="RagApp.Core.Embeddings.EmbeddingBatcher"/> with its lanes, section "Rag:Embedding" at
/// defaults) hosted in this process, and <see cref="QuestionEmbedder"/> called with distinct questions, a fixed number
/// in flight. The ceiling for questions per second through the whole application.
/// </summary>
internal static class QuestionEmbedding
{
    public static async Task<EmbeddingThroughput> MeasureAsync(IReadOnlyList<string> warmUp, IReadOnlyList<string> questions, int concurrency)
    {
        using var host = BuildHost();
        await host.StartAsync();
        try
        {
            var embedder = host.Services.GetRequiredService<QuestionEmbedder>();
            await AskAllAsync(embedder, warmUp, concurrency);
            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            await AskAllAsync(embedder, questions, concurrency);
            var elapsed = Stopwatch.GetElapsedTime(started);
            process.Refresh();
            return new EmbeddingThroughput(questions.Count / elapsed.TotalSeconds, (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / questions.Count);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>RagApp.Rag's retrieval registration alone, section settings over its defaults (none: as RagApp.Rag runs).</summary>
    public static IHost BuildHost(IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = AppContext.BaseDirectory,
            Configuration = new ConfigurationManager(),
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.ClearProviders();
        builder.AddRetrieval();
        return builder.Build();
    }

    private static Task AskAllAsync(QuestionEmbedder embedder, IReadOnlyList<string> questions, int concurrency) =>
        Parallel.ForEachAsync(questions, new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (question, cancellationToken) => await embedder.EmbedAsync(question, cancellationToken));
}
