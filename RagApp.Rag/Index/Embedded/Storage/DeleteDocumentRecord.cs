namespace RagApp.Rag.Index.Embedded.Storage;

internal sealed record DeleteDocumentRecord(long Generation, string DocumentId) : IndexRecord(Generation);
