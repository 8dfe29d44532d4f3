namespace RagApp.Ingest.Worker.Indexing;

/// <summary>What the index did with a write of one document.</summary>
internal enum IndexWriteOutcome
{
    /// <summary>The document is now what the write said.</summary>
    Written,

    /// <summary>The index holds a newer version of the document; nothing was written.</summary>
    Superseded,

    /// <summary>A header-only write (unchanged content) found no such content in the index; nothing was written.</summary>
    ChunksMissing,
}
