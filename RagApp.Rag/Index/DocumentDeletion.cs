namespace RagApp.Rag.Index;

/// <summary>
/// The outcome of a delete; an unknown document is not an error, just <see cref="Deleted"/> = false. A versioned delete
/// older than what the index holds is <see cref="Superseded"/> and removes nothing.
/// </summary>
internal sealed record DocumentDeletion(bool Deleted, int ChunksRemoved, long Generation)
{
    public bool Superseded { get; init; }

    /// <summary>The version the index holds for the document after the call.</summary>
    public long CurrentVersion { get; init; }
}
