using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Core.Documents;
using RagApp.Core.Embeddings;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Index;
using RagApp.Rag.Retrieval;

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
    private static readonly (string Key, string Name, Dictionary<string, string?> Settings)[] Modes =
    [
        ("dense", "dense", new() { ["Rag:Retrieval:Mode"] = "Dense" }),
        ("keyword", "keyword (BM25)", new() { ["Rag:Retrieval:Mode"] = "Keyword" }),
        ("adaptive", "hybrid, adaptive (default)", new() { ["Rag:Retrieval:Mode"] = "Hybrid" }),
        ("weighted", "hybrid, weighted sum 0.7 dense", new() { ["Rag:Retrieval:Mode"] = "Hybrid", ["Rag:Retrieval:Fusion"] = "WeightedSum", ["Rag:Retrieval:DenseWeight"] = "0.7" }),
        ("rrf", "hybrid, reciprocal rank fusion k 60", new() { ["Rag:Retrieval:Mode"] = "Hybrid", ["Rag:Retrieval:Fusion"] = "ReciprocalRank" }),
    ];

    /// <summary>Every mode through the Query RPC; <paramref name="settings"/> (Key=value, section Rag:Retrieval or VectorStore) apply to all.</summary>
    /// <param name="only">The keys of the modes to measure (dense, keyword, adaptive, weighted, rrf); empty: all.</param>
    public static async Task RunAsync(string folder, int sample, int seed, IReadOnlyDictionary<string, string?> settings, IReadOnlyCollection<string> only)
    {
        var documents = CranfieldDocument.Load(Path.Combine(folder, "corpus.jsonl"));
        var queries = BeirQuery.Load(folder, sample, seed);
        Console.WriteLine($"Set: {folder}, {documents.Count} documents, {queries.Count} queries (sample of at most {sample}, seed {seed})");
        var dataDirectory = Directory.CreateTempSubdirectory("ragapp-bench-index-").FullName;
        try
        {
            await IndexAsync(dataDirectory, documents, settings);
            Console.WriteLine();
            Console.WriteLine("| mode | recall@5 | recall@10 | MRR@10 | nDCG@10 | mean Query ms |");
            Console.WriteLine("|---|---|---|---|---|---|");
            foreach (var (_, name, mode) in Modes.Where(mode => only.Count == 0 || only.Contains(mode.Key)))
            {
                await using var host = await RagServiceHost.StartAsync(dataDirectory, Merge(settings, mode));
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

    /// <summary>
    /// For tuning only: indexes as <see cref="RunAsync"/> does, then scores each configuration (Rag:Retrieval keys
    /// without the section, joined by ';', e.g. "Fusion=WeightedSum;DenseWeight=0.5") by calling the store's search
    /// directly with the questions embedded once through the cache: seconds per configuration instead of a minute.
    /// The numbers to report come from <see cref="RunAsync"/>, through the Query RPC.
    /// </summary>
    public static async Task TuneAsync(string folder, int sample, int seed, IReadOnlyDictionary<string, string?> settings, IReadOnlyList<string> configurations)
    {
        var documents = CranfieldDocument.Load(Path.Combine(folder, "corpus.jsonl"));
        var queries = BeirQuery.Load(folder, sample, seed);
        Console.WriteLine($"Set: {folder}, {documents.Count} documents, {queries.Count} queries (sample of at most {sample}, seed {seed})");
        var dataDirectory = Directory.CreateTempSubdirectory("ragapp-bench-index-").FullName;
        try
        {
            await IndexAsync(dataDirectory, documents, settings);
            await using var host = await RagServiceHost.StartAsync(dataDirectory, settings);
            var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
            var cache = EmbeddingCache.Open(MiniLmEmbeddingGenerator.ModelId, MiniLmEmbeddingGenerator.Dimensions);
            var vectors = await cache.GetAsync(generator, [.. queries.Select(query => query.Text)]);
            var store = host.Services.GetRequiredService<IVectorStore>();
            Console.WriteLine("| configuration | recall@5 | recall@10 | MRR@10 | nDCG@10 |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var configuration in configurations)
            {
                var pairs = configuration.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2))
                    .ToDictionary(pair => pair[0], pair => (string?)pair[1]);
                var retrieval = new RetrievalOptions();
                new ConfigurationBuilder().AddInMemoryCollection(pairs).Build().Bind(retrieval);
                var options = retrieval.ToSearchOptions();
                var all = new List<RetrievalMetrics>(queries.Count);
                for (var i = 0; i < queries.Count; i++)
                {
                    var hits = await store.SearchAsync(vectors[i], queries[i].Text, TopK, null, options, CancellationToken.None);
                    all.Add(RetrievalMetrics.Of([.. hits.Select(hit => hit.Document.DocumentId)], queries[i].Relevant));
                }

                var metrics = RetrievalMetrics.Mean(all);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {configuration} | {metrics.RecallAt5:F3} | {metrics.RecallAt10:F3} | {metrics.MrrAt10:F3} | {metrics.NdcgAt10:F4} |"));
            }
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static Dictionary<string, string?> Merge(IReadOnlyDictionary<string, string?> first, IReadOnlyDictionary<string, string?> second)
    {
        var merged = new Dictionary<string, string?>(first);
        foreach (var (key, value) in second)
        {
            merged[key] = value;
        }

        return merged;
    }

    internal static async Task IndexAsync(string dataDirectory, IReadOnlyList<CranfieldDocument> documents, IReadOnlyDictionary<string, string?> settings)
    {
        await using var host = await RagServiceHost.StartAsync(dataDirectory, settings);
        var generator = host.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        var cache = EmbeddingCache.Open(MiniLmEmbeddingGenerator.ModelId, MiniLmEmbeddingGenerator.Dimensions);
        var cached = cache.Count;
        var started = Stopwatch.GetTimestamp();
        var indexed = 0;
        foreach (var batch in documents.Chunk(UpsertBatch))
        {
            var texts = batch.Select(document => string.IsNullOrWhiteSpace(document.Title) ? document.Text : $"{document.Title}. {document.Text}").ToList();
            var embeddings = await cache.GetAsync(generator, texts);
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
                            Vector = { embeddings[i] },
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
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Indexed {indexed} documents in {seconds:F1} s ({indexed / seconds:F1} documents/s; {cache.Count - cached} embedded by the model, the rest from the cache)"));
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
