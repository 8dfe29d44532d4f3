using RagApp.Rag.Answers;

namespace RagApp.Rag.Sessions;

/// <summary>
/// A conversation's earlier turns, by session id. Neither method fails for the store's sake: a store that cannot be
/// reached reads as an empty history and drops the write (both logged and counted); only the caller's cancellation throws.
/// </summary>
internal interface ISessionStore
{
    /// <summary>The session's turns, oldest first (empty for a new or expired session); restarts its expiry.</summary>
    Task<IReadOnlyList<ConversationTurn>> LoadAsync(Guid sessionId, CancellationToken cancellationToken);

    /// <summary>Appends a turn, drops the oldest beyond the cap, and restarts the session's expiry.</summary>
    Task AppendAsync(Guid sessionId, ConversationTurn turn, CancellationToken cancellationToken);
}
