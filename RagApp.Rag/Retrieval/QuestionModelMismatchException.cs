namespace RagApp.Rag.Retrieval;

/// <summary>
/// The index was built with another embedding model than the one this service embeds questions with: a cosine between
/// vectors of two models means nothing, so the query is refused (FailedPrecondition) instead of answered with noise.
/// </summary>
internal sealed class QuestionModelMismatchException : Exception
{
    public QuestionModelMismatchException(string indexModel, int indexDimensions, string questionModel, int questionDimensions)
        : base($"The index holds vectors of embedding model '{indexModel}' ({indexDimensions} dimensions), but RagApp.Rag " +
               $"embeds questions with '{questionModel}' ({questionDimensions} dimensions). Configure RagApp.Rag with the " +
               "index's embedding model (the 'embeddings' connection string, or none for the local model), or re-index " +
               "everything with this one.")
    {
    }

    public QuestionModelMismatchException()
    {
    }

    public QuestionModelMismatchException(string message) : base(message)
    {
    }

    public QuestionModelMismatchException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
