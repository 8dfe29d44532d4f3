using System.Diagnostics;
using System.Globalization;
using RagApp.Core.Documents;
using RagApp.Core.Embeddings;
using RagApp.Core.Grpc.V1;

namespace RagApp.Benchmarks;

/// <summary>
/// Writes one-chunk documents straight into RagApp.Rag through IndexService.UpsertDocuments (what the worker sends
/// after embedding), bypassing the ingest queue: filling an index of 100,000 chunks takes minutes, not hours.
/// </summary>
internal static class IndexWriter
{
    private const int Batch = 256;

    public static async Task WriteAsync(IndexService.IndexServiceClient client, IReadOnlyList<BenchChunk> chunks, bool report = true)
    {
        var started = Stopwatch.GetTimestamp();
        foreach (var batch in chunks.Chunk(Batch))
        {
            var request = new UpsertDocumentsRequest();
            foreach (var chunk in batch)
            {
                var hash = ContentHash.Of(chunk.Text);
                request.Documents.Add(new DocumentUpsert
                {
                    Header = new DocumentHeader
                    {
                        DocumentId = chunk.DocumentId,
                        Title = chunk.Title,
                        ContentType = "text/plain",
                        ContentHash = hash,
                        EmbeddingModel = MiniLmEmbeddingGenerator.ModelId,
                        EmbeddingDimensions = chunk.Vector.Length,
                        ChunkCount = 1,
                    },
                    Chunks =
                    {
                        new ChunkRecord
                        {
                            ChunkId = ChunkIds.Create(chunk.DocumentId, 0),
                            Ordinal = 0,
                            Text = chunk.Text,
                            Vector = { chunk.Vector },
                            EndOffset = chunk.Text.Length,
                            ContentHash = hash,
                        },
                    },
                });
            }

            var response = await client.UpsertDocumentsAsync(request);
            if (response.Results.FirstOrDefault(result => result.StatusCode != 0) is { } refused)
            {
                throw new InvalidOperationException($"The index refused {refused.DocumentId}: {refused.StatusDetail}");
            }
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (report)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Indexed {chunks.Count} chunks in {seconds:F1} s ({chunks.Count / seconds:F0} chunks/s)"));
        }
    }
}
