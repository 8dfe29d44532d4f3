namespace RagApp.Rag.Answers;

/// <summary>
/// What an answerer works from: the user's question as asked, its embedding (empty when not computed), the retrieved
/// passages numbered from 1 in rank order, and the session's earlier turns (oldest first, empty for a one-off question).
/// </summary>
internal sealed record AnswerRequest(
    string Question,
    ReadOnlyMemory<float> QuestionVector,
    IReadOnlyList<AnswerPassage> Passages,
    IReadOnlyList<ConversationTurn> History)
{
    public AnswerRequest(string question, ReadOnlyMemory<float> questionVector, IReadOnlyList<AnswerPassage> passages)
        : this(question, questionVector, passages, [])
    {
    }
}
