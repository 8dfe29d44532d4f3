using Microsoft.Extensions.AI;
using RagApp.Core.Embeddings;
using RagApp.Ingest.Worker.Telemetry;

namespace RagApp.Ingest.Worker.Embedding;

/// <summary>
/// Vectors for a document's chunks: from the embedding cache where the same text was embedded before
/// by the same model, from the model otherwise. This is what makes re-ingesting an edited document
/// cost only the chunks whose text changed, and a job cut short by a crash resume where it stopped: each vector is
/// cached as soon as its model batch is done, not when the whole document is.
/// </summary>
internal sealed class ChunkEmbedder(
    IEmbeddingGenerator<string, Embedding<float>> generator,
    EmbeddingBatcher batcher,
    EmbeddingCache cache,
    IngestTelemetry telemetry)
{
    private readonly EmbeddingGeneratorMetadata _metadata = generator.GetService<EmbeddingGeneratorMetadata>()
        ?? throw new InvalidOperationException("The embedding generator does not describe its model.");

    public string ModelId => _metadata.DefaultModelId ?? _metadata.ProviderName ?? "unknown";

    public int Dimensions => _metadata.DefaultModelDimensions
        ?? throw new InvalidOperationException("The embedding generator does not state its dimensions.");

    public async Task<ChunkEmbeddings> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new ReadOnlyMemory<float>[texts.Count];
        var cached = await cache.GetManyAsync(ModelId, Dimensions, texts);
        var missing = new List<int>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (cached[i] is { } vector)
            {
                vectors[i] = vector;
            }
            else
            {
                missing.Add(i);
            }
        }

        telemetry.EmbeddingCacheHits.Add(texts.Count - missing.Count);
        if (missing.Count > 0)
        {
            var fresh = batcher.Submit([.. missing.Select(i => texts[i])], cancellationToken);
            var model = ModelId;
            for (var j = 0; j < missing.Count; j++)
            {
                var text = texts[missing[j]];
                _ = fresh[j].ContinueWith(
                    embedded => cache.Set(model, text, embedded.Result),
                    CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            for (var j = 0; j < missing.Count; j++)
            {
                vectors[missing[j]] = await fresh[j].WaitAsync(cancellationToken);
            }
        }

        return new ChunkEmbeddings(vectors, Embedded: missing.Count, FromCache: texts.Count - missing.Count);
    }
}
