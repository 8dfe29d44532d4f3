namespace RagApp.Core.Queue;

/// <summary>What a job does to its document. Both kinds go through the same queue, so they are ordered by version.</summary>
public enum JobKind
{
    /// <summary>Extract, chunk, embed and index the uploaded document (replacing what the index holds for its id).</summary>
    Ingest,

    /// <summary>Remove the document from the index, leaving a tombstone so that older submissions cannot bring it back.</summary>
    Delete,
}
