namespace RagApp.Rag.Index;

/// <summary>
/// What became of one document of a <see cref="IVectorStore.ReplaceDocumentsAsync"/> call: replaced at
/// <see cref="Generation"/>; refused with the exception <see cref="IVectorStore.ReplaceDocumentAsync"/> would have thrown;
/// <see cref="Superseded"/> because the index holds a newer version; or, for a keep-chunks write,
/// <see cref="ChunksMissing"/> because the index does not hold the content it describes.
/// </summary>
internal sealed record DocumentReplacementResult(long Generation, Exception? Refusal)
{
    /// <summary>The index holds a newer version of the document (see <see cref="DocumentVersions"/>): nothing was written.</summary>
    public bool Superseded { get; init; }

    /// <summary>A keep-chunks write found other content (or none) under the document id: nothing was written.</summary>
    public bool ChunksMissing { get; init; }

    /// <summary>The version the index holds for the document after the call.</summary>
    public long CurrentVersion { get; init; }

    public bool Replaced => Refusal is null && !Superseded && !ChunksMissing;

    public static DocumentReplacementResult Refused(Exception refusal) => new(0, refusal);
}
