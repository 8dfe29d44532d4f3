namespace RagApp.Ingest.Worker.Embedding;

/// <summary>The vectors of a document's chunks, and how many came from the model vs. the cache.</summary>
internal sealed record ChunkEmbeddings(IReadOnlyList<ReadOnlyMemory<float>> Vectors, int Embedded, int FromCache);
