using Microsoft.Extensions.AI;

namespace RagApp.Core.Embeddings;

/// <summary>
/// An embedding generator whose texts go through an <see cref="EmbeddingBatcher"/>: for code that takes an
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> but runs on request threads, so that the model computes on
/// the batcher's lanes and shares batches with everything else in flight. Metadata and services come from the
/// generator the batcher runs.
/// </summary>
public sealed class BatchedEmbeddingGenerator(IEmbeddingGenerator<string, Embedding<float>> inner, EmbeddingBatcher batcher)
    : IEmbeddingGenerator<string, Embedding<float>>
{
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var vectors = await Task.WhenAll(batcher.Submit([.. values], cancellationToken)).WaitAsync(cancellationToken).ConfigureAwait(false);
        return [.. vectors.Select(vector => new Embedding<float>(vector))];
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => inner.GetService(serviceType, serviceKey);

    public void Dispose()
    {
        // The inner generator and the batcher belong to the container.
    }
}
