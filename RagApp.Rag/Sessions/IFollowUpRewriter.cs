using RagApp.Rag.Answers;

namespace RagApp.Rag.Sessions;

/// <summary>
/// Turns a follow-up question ("and when was it built?") into one that retrieval can answer on its own, using the
/// session's earlier turns. Returns the question unchanged when there is no history or nothing to add.
/// </summary>
internal interface IFollowUpRewriter
{
    Task<string> RewriteAsync(string question, IReadOnlyList<ConversationTurn> history, CancellationToken cancellationToken);
}
