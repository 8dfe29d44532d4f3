using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using RagApp.Rag.Sessions;

namespace RagApp.Rag.Answers.Chat;

/// <summary>
/// Rewrites a follow-up ("and when was it built?") into a standalone question with the fast model, given the earlier
/// turns. A rewrite is a convenience for retrieval: a model that fails, takes longer than Rag:Chat:RewriteTimeout or
/// replies with nothing usable leaves the question as asked.
/// </summary>
internal sealed partial class ChatFollowUpRewriter(
    ChatDeployments deployments,
    IOptions<ChatAnswerOptions> options,
    ChatTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<ChatFollowUpRewriter> logger) : IFollowUpRewriter
{
    /// <summary>Earlier answers are cut to this many characters: the rewrite needs their subject, not their detail.</summary>
    internal const int MaxAnswerCharacters = 600;

    /// <summary>A reply longer than this is not a question but the model answering it; it is not used.</summary>
    internal const int MaxRewriteCharacters = 1000;

    internal const string Instruction =
        "Rewrite the user's follow-up question as a standalone question that can be understood without the conversation: "
        + "replace pronouns and references with what they refer to in the conversation, keep the meaning and the language, "
        + "do not answer it. Reply with the rewritten question only.";

    private readonly ChatAnswerOptions _options = options.Value;

    public async Task<string> RewriteAsync(string question, IReadOnlyList<ConversationTurn> history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0 || string.IsNullOrWhiteSpace(question))
        {
            return question;
        }

        var deployment = deployments.Fast;
        using var timeout = new CancellationTokenSource(_options.RewriteTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var response = await deployment.Client.GetResponseAsync(
                [new ChatMessage(ChatRole.System, Instruction), new ChatMessage(ChatRole.User, Prompt(question, history, _options.MaxHistoryTurns))],
                new ChatOptions { MaxOutputTokens = 200, Temperature = _options.Temperature },
                linked.Token).ConfigureAwait(false);
            var rewritten = response.Text.Trim().Trim('"', '\u201C', '\u201D').Trim();
            if (rewritten.Length == 0 || rewritten.Length > MaxRewriteCharacters)
            {
                telemetry.RecordRewrite("unchanged");
                LogRewriteUnusable(deployment.Name, rewritten.Length);
                return question;
            }

            telemetry.RecordRewrite("rewritten");
            return rewritten;
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            telemetry.RecordRewrite("failed");
            LogRewriteFailed(exception, deployment.Name, timeout.IsCancellationRequested);
            return question;
        }
    }

    internal static string Prompt(string question, IReadOnlyList<ConversationTurn> history, int maxTurns)
    {
        var text = new StringBuilder("Conversation:\n");
        foreach (var turn in history.Skip(Math.Max(0, history.Count - Math.Max(1, maxTurns))))
        {
            var said = ChatCitations.Strip(turn.Answer);
            var answer = said.Length > MaxAnswerCharacters ? said[..MaxAnswerCharacters] + "…" : said;
            text.Append("User: ").Append(turn.Question.Trim()).Append('\n')
                .Append("Assistant: ").Append(answer.Trim()).Append('\n');
        }

        return text.Append("\nFollow-up question: ").Append(question.Trim()).ToString();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Follow-up rewrite by {Model} was unusable ({Length} characters); searching the question as asked")]
    private partial void LogRewriteUnusable(string model, int length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Follow-up rewrite by {Model} failed (timed out: {TimedOut}); searching the question as asked")]
    private partial void LogRewriteFailed(Exception exception, string model, bool timedOut);
}
