namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// In a snapshot: the version the index holds for a document beyond what its stored content says — the tombstone of a
/// versioned delete, or the version an unversioned write left in place. Without it an older write would be accepted
/// after a restart.
/// </summary>
internal sealed record DocumentVersionRecord(long Generation, string DocumentId, long Version) : IndexRecord(Generation);
