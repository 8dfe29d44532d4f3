namespace RagApp.Rag.Answers.Chat;

/// <summary>
/// Picks the fast or the strong model for a question from what is known before answering: the question's length,
/// whether it follows earlier turns, and how the evidence looks (a weak best source, or top sources spread over many
/// documents, both mean the answer needs more weighing). The first rule that holds decides; otherwise fast.
/// </summary>
internal static class ChatRouter
{
    public static RouteDecision Decide(AnswerRequest request, ChatAnswerOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (request.Question.Trim().Length > options.LongQuestionCharacters)
        {
            return new RouteDecision(ChatRoutes.Strong, RouteReasons.LongQuestion);
        }

        if (options.FollowUpsToStrong && request.History.Count > 0)
        {
            return new RouteDecision(ChatRoutes.Strong, RouteReasons.FollowUp);
        }

        if (request.Passages.Count == 0)
        {
            // Nothing to weigh: the model only has to say that the sources do not answer.
            return new RouteDecision(ChatRoutes.Fast, RouteReasons.NoSources);
        }

        var top = request.Passages.Max(passage => passage.Score);
        if (top < options.WeakTopScore)
        {
            return new RouteDecision(ChatRoutes.Strong, RouteReasons.WeakEvidence);
        }

        var documents = request.Passages
            .Where(passage => passage.Score >= top * options.SpreadScoreRatio)
            .Select(passage => passage.DocumentId)
            .Distinct(StringComparer.Ordinal)
            .Count();
        return documents >= options.SpreadDocuments
            ? new RouteDecision(ChatRoutes.Strong, RouteReasons.SpreadEvidence)
            : new RouteDecision(ChatRoutes.Fast, RouteReasons.Simple);
    }
}
