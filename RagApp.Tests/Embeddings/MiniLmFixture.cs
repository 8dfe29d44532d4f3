using RagApp.Core.Embeddings;

namespace RagApp.Tests.Embeddings;

/// <summary>Loads the real all-MiniLM-L6-v2 model once for every test in <see cref="MiniLmCollection"/>.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbeddingGenerator Generator { get; } = new(new LocalEmbeddingOptions());

    public void Dispose() => Generator.Dispose();
}
