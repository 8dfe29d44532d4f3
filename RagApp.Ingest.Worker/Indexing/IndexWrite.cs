namespace RagApp.Ingest.Worker.Indexing;

/// <summary>The index's answer to a write or delete of one document.</summary>
/// <param name="ChunkCount">Chunks the document has in the index after the call.</param>
/// <param name="CurrentVersion">The version the index holds for the document after the call.</param>
internal sealed record IndexWrite(IndexWriteOutcome Outcome, int ChunkCount, long CurrentVersion);
