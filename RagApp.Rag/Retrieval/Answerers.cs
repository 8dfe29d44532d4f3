namespace RagApp.Rag.Retrieval;

/// <summary>Values of <c>QueryResponse.answerer</c>.</summary>
internal static class Answerers
{
    /// <summary>No answerer ran: the answer is empty and the sources are the result.</summary>
    public const string None = "none";
}
