namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>Closes a snapshot; a snapshot without it was not written completely.</summary>
internal sealed record SnapshotEndRecord(long Generation, int DocumentCount) : IndexRecord(Generation);
