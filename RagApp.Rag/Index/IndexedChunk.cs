namespace RagApp.Rag.Index;

/// <summary>One stored chunk of a document. <see cref="Vector"/> is empty when the caller did not ask for vectors.</summary>
internal sealed record IndexedChunk
{
    public required string ChunkId { get; init; }
    public required int Ordinal { get; init; }
    public required string Text { get; init; }
    public ReadOnlyMemory<float> Vector { get; init; }

    /// <summary>1-based page for paged formats, 0 otherwise.</summary>
    public int Page { get; init; }
    public int StartOffset { get; init; }
    public int EndOffset { get; init; }
    public string Section { get; init; } = "";
    public string ContentHash { get; init; } = "";
}
