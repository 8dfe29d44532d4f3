namespace RagApp.Rag.Answers.Chat;

/// <summary>Why the chat answer was replaced by the extractive one (tag <c>reason</c> of <c>ragapp.answer.fallbacks</c>).</summary>
internal static class FallbackReasons
{
    /// <summary>The model call threw (refused, unreachable, throttled, malformed reply).</summary>
    public const string Error = "error";

    /// <summary>The whole answer took longer than Rag:Chat:Timeout.</summary>
    public const string Timeout = "timeout";

    /// <summary>No token arrived within Rag:Chat:FirstTokenTimeout.</summary>
    public const string FirstTokenTimeout = "first_token_timeout";

    /// <summary>The model finished without writing anything.</summary>
    public const string Empty = "empty";
}
