namespace RagApp.Rag.Retrieval;

/// <summary>Values of <c>QueryResponse.answerer</c>.</summary>
internal static class Answerers
{
    /// <summary>No answerer ran: the answer is empty and the sources are the result.</summary>
    public const string None = "none";

    /// <summary>The local extractive answerer: the passages' own sentences, no model beyond the embedding model.</summary>
    public const string Extractive = "extractive";

    /// <summary>A chat model through <c>IChatClient</c>.</summary>
    public const string Chat = "chat";
}
