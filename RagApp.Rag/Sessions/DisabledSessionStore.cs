using RagApp.Rag.Answers;

namespace RagApp.Rag.Sessions;

/// <summary>
/// The store when RagApp.Rag has no "redis" connection string (run on its own, outside the AppHost): nothing is kept,
/// so <c>session_id</c> is accepted and every question is answered on its own. Said once, at Warning, when first used.
/// </summary>
internal sealed partial class DisabledSessionStore(ILogger<DisabledSessionStore> logger) : ISessionStore
{
    private int _warned;

    public Task<IReadOnlyList<ConversationTurn>> LoadAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _warned, 1) == 0)
        {
            LogNoRedis();
        }

        return Task.FromResult<IReadOnlyList<ConversationTurn>>([]);
    }

    public Task AppendAsync(Guid sessionId, ConversationTurn turn, CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "No 'redis' connection string: session ids are ignored and every question is answered without history")]
    private partial void LogNoRedis();
}
