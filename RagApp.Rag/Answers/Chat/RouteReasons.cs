namespace RagApp.Rag.Answers.Chat;

/// <summary>Why the routing rule picked its route (tag <c>reason</c> of <c>ragapp.answer.routes</c>).</summary>
internal static class RouteReasons
{
    public const string LongQuestion = "long_question";

    public const string FollowUp = "follow_up";

    public const string WeakEvidence = "weak_evidence";

    public const string SpreadEvidence = "spread_evidence";

    public const string NoSources = "no_sources";

    public const string Simple = "simple";
}
