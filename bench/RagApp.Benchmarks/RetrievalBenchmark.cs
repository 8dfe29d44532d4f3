using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Core.Documents;
using RagApp.Core.Embeddings;
using RagApp.Core.Grpc.V1;

namespace RagApp.Benchmarks;

/// <summary>
/// Retrieval quality through the real Query RPC: indexes a BEIR set (one chunk per document, "title. text", embedded
/// by the service's own generator) into a hosted RagApp.Rag, then asks every sampled query once per search mode (set
/// through Rag:Retrieval, one host per mode over the same data directory) and scores the top 10 sources.
/// </summary>
internal static class RetrievalBenchmark
{
    private const int TopK = 10;
    private const int UpsertBatch = 64;

    /// <summary>The configurations measured, each a name and the Rag:Retrieval settings that select it.</summary>
    private static readonly (string Name, Dictionary<string, string?> Settings)[] Modes =
    [
        ("dense", new() { ["Rag:Retrieval:Mode"] = "Dense" }),
        ("keyword (BM25)", new() { ["Rag:Retrieval:Mode"] = "Keyword" }),
        ("hybrid, weighted sum 0.7 dense (default)", new() { ["Rag:Retrieval:Mode"] = "Hybrid" }),
        ("hybrid, reciprocal rank fusion k 60", new() { ["Rag:Retrieval:Mode"] = "Hybrid", ["Rag:Retrieval:Fusion"] = "ReciprocalRank" }),
    ];

    public static async Task RunAsync(string folder, int sample, int seed)
    {
        var documents = CranfieldDocument.Load(Path.Combine(folder, "corpus.jsonl"));
        var queries = BeirQuery.Load(folder, sample, seed);
        Console.WriteLine($"Set: {folder}, {documents.Count} documents, {queries.Count} queries (sample of at most {sample}, seed {seed})");
        var dataDirectory = Directory.CreateTempSubdirectory("ragapp-bench-index-").FullName;
        try
        {
            await IndexAsync(dataDirectory, documents);
            Console.WriteLine();
            Console.WriteLine("| mode | recall@5 | recall@10 | MRR@10 | nDCG@10 | mean Query ms |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var (name, settings) in Modes)
            {
                await using var host = await RagServiceHost.StartAsync(dataDirectory, settings);
                var (metrics, meanMs) = await MeasureAsync(host, queries);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {metrics.RecallAt5:F3} | {metrics.RecallAt10:F3} | {metrics.MrrAt10:F3} | {metrics.NdcgAt10:F3} | {meanMs:F1} |"));
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    internal static async Task IndexAsync(string dataDirectory, IReadOnlyList<CranfieldDocument> documents)
    {
        await using var host = await RagServiceHost.StartAsync(dataDirectory, new Dictionary<string, string?>());
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var started = Stopwatch.GetTimestamp();
        var indexed = 0;
        foreach (var batch in documents.Chunk(UpsertBatch))
        {
            var texts = batch.Select(document => string.IsNullOrWhiteSpace(document.Title) ? document.Text : $"{document.Title}. {document.Text}").ToList();
            var embeddings = await generator.GenerateAsync(texts);
            var request = new UpsertDocumentsRequest();
            for (var i = 0; i < batch.Length; i++)
            {
                request.Documents.Add(new DocumentUpsert
                {
                    Header = new DocumentHeader
                    {
                        DocumentId = batch[i].Id,
                        Title = batch[i].Title,
                        ContentType = "text/plain",
                        ContentHash = ContentHash.Of(texts[i]),
                        EmbeddingModel = MiniLmEmbeddingGenerator.ModelId,
                        EmbeddingDimensions = MiniLmEmbeddingGenerator.Dimensions,
                        ChunkCount = 1,
                    },
                    Chunks =
                    {
                        new ChunkRecord
                        {
                            ChunkId = ChunkIds.Create(batch[i].Id, 0),
                            Ordinal = 0,
                            Text = texts[i],
                            Vector = { embeddings[i].Vector.ToArray() },
                            EndOffset = texts[i].Length,
                            ContentHash = ContentHash.Of(texts[i]),
                        },
                    },
                });
            }

            var response = await host.Index.UpsertDocumentsAsync(request);
            var refused = response.Results.FirstOrDefault(result => result.StatusCode != 0);
            if (refused is not null)
            {
                throw new InvalidOperationException($"The index refused {refused.DocumentId}: {refused.StatusDetail}");
            }

            indexed += batch.Length;
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Indexed {indexed} documents in {seconds:F1} s ({indexed / seconds:F1} documents/s)"));
    }

    private static async Task<(RetrievalMetrics Metrics, double MeanMs)> MeasureAsync(RagServiceHost host, IReadOnlyList<BeirQuery> queries)
    {
        var all = new List<RetrievalMetrics>(queries.Count);
        var started = Stopwatch.GetTimestamp();
        foreach (var query in queries)
        {
            var response = await host.Rag.QueryAsync(new QueryRequest { Question = query.Text, MaxResults = TopK });
            all.Add(RetrievalMetrics.Of([.. response.Sources.Select(source => source.DocumentId)], query.Relevant));
        }

        return (RetrievalMetrics.Mean(all), Stopwatch.GetElapsedTime(started).TotalMilliseconds / queries.Count);
    }
}
