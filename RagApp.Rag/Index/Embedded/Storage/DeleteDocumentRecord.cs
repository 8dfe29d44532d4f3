namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>Removes a document. A versioned delete (<paramref name="Version"/> &gt; 0) also leaves its version as a tombstone.</summary>
internal sealed record DeleteDocumentRecord(long Generation, string DocumentId, long Version = 0) : IndexRecord(Generation);
