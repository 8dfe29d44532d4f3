using Microsoft.Extensions.AI;
using RagApp.Core.Embeddings;

namespace RagApp.Rag.Retrieval;

/// <summary>
/// Embeds questions with the service's embedding generator through the shared <see cref="EmbeddingBatcher"/>: the model
/// computes on the batcher's lane threads, never on a request thread, and questions that arrive together share a batch.
/// </summary>
internal sealed class QuestionEmbedder(IEmbeddingGenerator<string, Embedding<float>> generator, EmbeddingBatcher batcher)
{
    private readonly EmbeddingGeneratorMetadata _metadata = generator.GetService<EmbeddingGeneratorMetadata>()
        ?? throw new InvalidOperationException("The embedding generator does not describe its model.");

    /// <summary>The model id the worker writes into every document header for the same generator.</summary>
    public string ModelId => _metadata.DefaultModelId ?? _metadata.ProviderName ?? "unknown";

    public int Dimensions => _metadata.DefaultModelDimensions
        ?? throw new InvalidOperationException("The embedding generator does not state its dimensions.");

    public Task<ReadOnlyMemory<float>> EmbedAsync(string question, CancellationToken cancellationToken) =>
        batcher.Submit([question], cancellationToken)[0].WaitAsync(cancellationToken);
}
