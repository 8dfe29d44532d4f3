namespace RagApp.Rag.Answers.Chat;

/// <summary>Values of <c>QueryResponse.route</c> and the keys of the two routes' chat clients.</summary>
internal static class ChatRoutes
{
    public const string Fast = "fast";

    public const string Strong = "strong";
}
