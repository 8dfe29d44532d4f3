using System.ComponentModel.DataAnnotations;

namespace RagApp.Rag.Sessions;

/// <summary>How a conversation's turns are kept in Redis, section "Rag:Sessions".</summary>
internal sealed class SessionStoreOptions
{
    public const string SectionName = "Rag:Sessions";

    /// <summary>
    /// Turns kept per session, the newest; older ones are trimmed on every write. Bounds both the key's size and the
    /// history an answerer (a chat model's prompt) is given.
    /// </summary>
    [Range(1, 100)]
    public int MaxTurns { get; set; } = 10;

    /// <summary>A session not read or written for this long is deleted by Redis; every read and write starts it again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan Expiry { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Longest a query waits for one session read or write (connecting included). Past it the question is answered
    /// without its history, or its turn is not kept: a slow Redis must not hold up answers.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
