namespace RagApp.Rag.Index;

/// <summary>One document of a <see cref="IVectorStore.ReplaceDocumentsAsync"/> call and the chunks that replace its own.</summary>
internal sealed record DocumentReplacement(IndexedDocument Document, IReadOnlyList<IndexedChunk> Chunks);
