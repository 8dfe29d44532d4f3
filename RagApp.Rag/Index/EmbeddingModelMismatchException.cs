namespace RagApp.Rag.Index;

/// <summary>
/// Vectors of another embedding model or dimension than the index was built with. Mixing them would make every
/// similarity meaningless, so the write is refused; re-index into an empty store to change the model.
/// </summary>
internal sealed class EmbeddingModelMismatchException : Exception
{
    public EmbeddingModelMismatchException(string indexModel, int indexDimensions, string requestedModel, int requestedDimensions)
        : base($"The index holds vectors of embedding model '{indexModel}' ({indexDimensions} dimensions); " +
               $"it refuses vectors of '{requestedModel}' ({requestedDimensions} dimensions). " +
               "Re-index everything into an empty store to change the embedding model.")
    {
        IndexModel = indexModel;
        IndexDimensions = indexDimensions;
    }

    public EmbeddingModelMismatchException()
    {
        IndexModel = "";
    }

    public EmbeddingModelMismatchException(string message) : base(message)
    {
        IndexModel = "";
    }

    public EmbeddingModelMismatchException(string message, Exception innerException) : base(message, innerException)
    {
        IndexModel = "";
    }

    public string IndexModel { get; }
    public int IndexDimensions { get; }
}
