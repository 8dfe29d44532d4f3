namespace RagApp.Rag.Index;

/// <summary>
/// One document of a <see cref="IVectorStore.ReplaceDocumentsAsync"/> call and the chunks that replace its own; or, with
/// <see cref="KeepChunks"/>, a new description of a document whose content the index already holds (no chunks).
/// </summary>
internal sealed record DocumentReplacement(IndexedDocument Document, IReadOnlyList<IndexedChunk> Chunks, bool KeepChunks = false);
