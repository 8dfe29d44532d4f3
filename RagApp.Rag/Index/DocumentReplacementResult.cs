namespace RagApp.Rag.Index;

/// <summary>
/// What became of one document of a <see cref="IVectorStore.ReplaceDocumentsAsync"/> call: replaced at
/// <see cref="Generation"/>, or refused with the exception <see cref="IVectorStore.ReplaceDocumentAsync"/> would have thrown.
/// </summary>
internal sealed record DocumentReplacementResult(long Generation, Exception? Refusal)
{
    public bool Replaced => Refusal is null;

    public static DocumentReplacementResult Refused(Exception refusal) => new(0, refusal);
}
