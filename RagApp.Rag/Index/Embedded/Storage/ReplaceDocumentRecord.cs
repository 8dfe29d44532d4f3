namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>A whole document with every chunk and vector: replaying it alone restores the document exactly.</summary>
internal sealed record ReplaceDocumentRecord(long Generation, IndexedDocument Document, IReadOnlyList<IndexedChunk> Chunks)
    : IndexRecord(Generation);
