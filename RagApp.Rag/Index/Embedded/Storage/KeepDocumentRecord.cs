namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// A new description (version, indexed time, title, metadata) of a document whose chunks stay as they are: a resubmission
/// of unchanged content costs a header in the log, not every vector again.
/// </summary>
internal sealed record KeepDocumentRecord(long Generation, IndexedDocument Document) : IndexRecord(Generation);
