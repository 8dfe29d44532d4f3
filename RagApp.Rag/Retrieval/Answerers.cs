namespace RagApp.Rag.Retrieval;

/// <summary>Values of <c>QueryResponse.answerer</c>.</summary>
internal static class Answerers
{
    /// <summary>The local extractive answerer: the passages' own sentences, no model beyond the embedding model.</summary>
    public const string Extractive = "extractive";

    /// <summary>A chat model through <c>IChatClient</c>.</summary>
    public const string Chat = "chat";
}
