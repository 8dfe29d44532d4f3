using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using RagApp.Core.Embeddings;
using RagApp.Ingest.Worker.Chunking;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Benchmarks;

/// <summary>
/// The same chunks the worker makes ("title. text" per chunk, from the same extractor and chunker),
/// embedded directly with the local model in its default batches: the ceiling for ingestion.
/// </summary>
internal static class RawEmbedding
{
    public static async Task<RawEmbeddingResult> RunAsync(IReadOnlyList<CranfieldDocument> documents)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddDocumentProcessing()
            .BuildServiceProvider();
        var extractor = services.GetRequiredService<DocumentExtractor>();
        var chunker = services.GetRequiredService<DocumentChunker>();
        var inputs = new List<string>();
        foreach (var document in documents)
        {
            var extracted = extractor.Extract(Core.Documents.DocumentFormat.PlainText, Encoding.UTF8.GetBytes(document.Text), CancellationToken.None);
            inputs.AddRange(chunker.Chunk(extracted, CancellationToken.None).Select(chunk => $"{document.Title}. {chunk.Text}"));
        }

        using var generator = new MiniLmEmbeddingGenerator(new LocalEmbeddingOptions(), logger: NullLogger<MiniLmEmbeddingGenerator>.Instance);
        await generator.GenerateAsync(inputs.Take(32)); // warm up: load and first-run costs are not throughput
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in inputs.Chunk(256))
        {
            await generator.GenerateAsync(batch);
        }

        return new RawEmbeddingResult(inputs.Count, Stopwatch.GetElapsedTime(started));
    }
}
