using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace RagApp.Rag.Answers.Chat;

/// <summary>
/// The grounded prompt: a system instruction to answer only from the numbered sources, to cite each statement with
/// its source's number and to answer with a fixed phrase when the sources do not answer; then the conversation's
/// earlier turns (answers without their citation markers); then the sources, numbered as the response's
/// <c>sources</c> are, and the question.
/// </summary>
internal static class ChatPrompt
{
    /// <summary>
    /// The answer that says the sources do not answer; the extractive answerer's own phrase, so that a client sees one
    /// phrase whichever answerer ran.
    /// </summary>
    public const string AbstentionPhrase = ExtractiveAnswerer.AbstentionText;

    public static readonly string SystemInstruction =
        "You answer questions using only the numbered sources given with each question. "
        + "Cite the source of every statement with its number in square brackets right after the statement, like [1] or [2][3]; "
        + "cite only numbers of sources that are given. Do not use knowledge beyond the sources, and do not mention them other than by citation. "
        + "Answer briefly, in the language of the question. "
        + $"If the sources do not answer the question, reply with exactly this sentence and nothing else: {AbstentionPhrase}";

    public static List<ChatMessage> Build(AnswerRequest request, int maxHistoryTurns)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = new List<ChatMessage> { new(ChatRole.System, SystemInstruction) };
        foreach (var turn in request.History.Skip(Math.Max(0, request.History.Count - maxHistoryTurns)))
        {
            messages.Add(new ChatMessage(ChatRole.User, turn.Question));
            // Without its markers: they number that turn's sources, and this prompt numbers other passages.
            messages.Add(new ChatMessage(ChatRole.Assistant, ChatCitations.Strip(turn.Answer)));
        }

        messages.Add(new ChatMessage(ChatRole.User, Question(request)));
        return messages;
    }

    private static string Question(AnswerRequest request)
    {
        var text = new StringBuilder("Sources:\n");
        if (request.Passages.Count == 0)
        {
            text.Append("(none)\n");
        }

        foreach (var passage in request.Passages)
        {
            text.Append('\n').Append(CultureInfo.InvariantCulture, $"[{passage.Number}]");
            if (!string.IsNullOrWhiteSpace(passage.Title))
            {
                text.Append(' ').Append(passage.Title.Trim());
            }

            text.Append('\n').Append(passage.Text.Trim()).Append('\n');
        }

        return text.Append("\nQuestion: ").Append(request.Question.Trim()).ToString();
    }
}
