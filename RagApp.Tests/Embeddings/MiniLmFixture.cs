using RagApp.Core.Embeddings;

namespace RagApp.Tests.Embeddings;

/// <summary>Loads the real all-MiniLM-L6-v2 model once for every test in <see cref="MiniLmCollection"/>.</summary>
public sealed class MiniLmFixture : IDisposable
{
    // Large padded batches (rather than the defaults' small ones) so that padding and re-ordering are exercised.
    public MiniLmEmbeddingGenerator Generator { get; } = new(new LocalEmbeddingOptions { MaxBatchSize = 16, MaxBatchTokens = 65_536 });

    public void Dispose() => Generator.Dispose();
}
