using System.Collections.Frozen;
using System.Text.RegularExpressions;
using RagApp.Rag.Answers;
using RagApp.Rag.Index.Keywords;

namespace RagApp.Rag.Sessions;

/// <summary>
/// The follow-up rewriter without a chat model: a question that reads as a follow-up gets the previous turn's salient
/// terms appended for retrieval ("and what university moved there?" after "When was Ann Arbor founded?" searches for
/// "and what university moved there? Ann Arbor"). It is a follow-up when it opens with a continuation ("and", "also",
/// "what about", "how about"), or names nothing of its own and either refers back (it, its, they, that, there, he,
/// she, …) with at most <see cref="MaxContentTermsWithReference"/> content terms, or is short (at most one).
/// <para>
/// What is appended depends on what the follow-up lacks. One that names something of its own ("what about
/// Ypsilanti?") keeps the subject and borrows the previous question's other content terms (its predicate: "founded").
/// One that names nothing borrows the previous question's names, capitalised words such as "Ann Arbor" (their
/// referent), or, when it has none, all its content terms. The previous turn's retrieval question is used, so a chain
/// of follow-ups keeps its subject; its answer only when that question yields nothing. Terms already in the question
/// are not repeated, and at most <see cref="MaxAddedWords"/> words are added. A self-contained question is returned as asked.
/// </para>
/// </summary>
internal sealed partial class TermExpansionRewriter : IFollowUpRewriter
{
    public const int MaxAddedWords = 8;
    public const int MaxContentTermsWithReference = 3;

    private static readonly FrozenSet<string> Anaphora = FrozenSet.ToFrozenSet(
    [
        "it", "its", "itself", "they", "them", "their", "theirs", "themselves", "that", "those", "this", "these",
        "there", "he", "him", "his", "himself", "she", "her", "hers", "herself", "former", "latter",
    ], StringComparer.Ordinal);

    // Words that open or shape a question without naming anything: capitalised at the start of a sentence, they are
    // still not names.
    private static readonly FrozenSet<string> FunctionWords = FrozenSet.ToFrozenSet(
    [
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "is", "are", "was", "were", "am", "do",
        "does", "did", "has", "have", "had", "can", "could", "would", "should", "may", "might", "will", "shall", "must",
        "tell", "me", "please", "list", "give", "name", "explain", "describe", "show", "about", "also", "i", "you", "we",
        "my", "our", "your", "many", "much", "more", "some", "any", "so", "now", "ok", "okay", "again", "else", "other",
    ], StringComparer.Ordinal);

    private static readonly string[] ContinuationOpenings = ["and ", "also ", "what about ", "how about "];

    public Task<string> RewriteAsync(string question, IReadOnlyList<ConversationTurn> history, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(history);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Rewrite(question, history));
    }

    public static string Rewrite(string question, IReadOnlyList<ConversationTurn> history)
    {
        if (history.Count == 0 || string.IsNullOrWhiteSpace(question))
        {
            return question;
        }

        var asked = Scan(question);
        var ownNames = asked.Count(word => word.IsName);
        var contentTerms = asked.Where(word => word.IsContent && !word.IsName).Select(word => word.Lower).Distinct(StringComparer.Ordinal).Count();
        var refersBack = asked.Any(word => Anaphora.Contains(word.Lower));
        var opening = question.TrimStart().ToLowerInvariant();
        var continues = ContinuationOpenings.Any(cue => opening.StartsWith(cue, StringComparison.Ordinal));
        var followUp = continues || (ownNames == 0 && ((refersBack && contentTerms <= MaxContentTermsWithReference) || contentTerms <= 1));
        if (!followUp)
        {
            return question;
        }

        var previous = history[^1];
        var source = Scan(previous.RetrievalQuestion);
        if (!source.Any(word => word.IsContent))
        {
            // Nothing to borrow from the question (it was itself all pronouns): the answer's names are the next best.
            source = [.. Scan(previous.Answer, sentenceInitialNames: true).Where(word => word.IsName)];
        }

        IEnumerable<Word> borrowed = ownNames > 0
            ? source.Where(word => word.IsContent && !word.IsName)
            : source.Any(word => word.IsName) ? source.Where(word => word.IsName) : source.Where(word => word.IsContent);

        var known = AnswerTerms.Of(question);
        known.UnionWith(asked.Select(word => word.Lower));
        var added = new List<string>();
        foreach (var word in borrowed)
        {
            if (added.Count == MaxAddedWords)
            {
                break;
            }

            var terms = AnswerTerms.Of(word.Text);
            if (!known.Contains(word.Lower) && (terms.Count == 0 || !terms.IsSubsetOf(known)))
            {
                added.Add(word.Text);
                known.Add(word.Lower);
                known.UnionWith(terms);
            }
        }

        return added.Count == 0 ? question : $"{question.TrimEnd()} {string.Join(' ', added)}";
    }

    /// <summary>
    /// The words of a text in order, each classified: a name (capitalised, not a function word), content, or neither.
    /// The first word of a sentence is capitalised anyway: in a question it is a name only when the next word is
    /// capitalised too ("Ann Arbor was founded when?"), so that "Population?" is not taken for one; in an answer's
    /// statements (<paramref name="sentenceInitialNames"/>) a capitalised content word opening a sentence usually is one.
    /// </summary>
    private static List<Word> Scan(string text, bool sentenceInitialNames = false)
    {
        var matches = WordPattern().Matches(text);
        var words = new List<Word>(matches.Count);
        for (var i = 0; i < matches.Count; i++)
        {
            var raw = StripPossessive(matches[i].Value);
            var lower = raw.ToLowerInvariant();
            var function = FunctionWords.Contains(lower) || Anaphora.Contains(lower) || EnglishStopWords.Words.Contains(lower) || raw.Contains('\'') || raw.Contains('’');
            var content = !function && AnswerTerms.Of(raw).Count > 0;
            var capitalised = char.IsUpper(raw[0]);
            var sentenceStart = StartsSentence(text, matches[i].Index);
            var nextCapitalised = i + 1 < matches.Count && char.IsUpper(matches[i + 1].Value[0]) && !StartsSentence(text, matches[i + 1].Index);
            var name = content && capitalised && (!sentenceStart || nextCapitalised || sentenceInitialNames);
            words.Add(new Word(raw, lower, name, content));
        }

        return words;
    }

    private static bool StartsSentence(string text, int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) || c is '"' or '\'' or '(' or '“' or '‘')
            {
                continue;
            }

            return c is '.' or '?' or '!' or ':' or ';';
        }

        return true;
    }

    private static string StripPossessive(string word) =>
        word.Length > 2 && (word.EndsWith("'s", StringComparison.OrdinalIgnoreCase) || word.EndsWith("’s", StringComparison.OrdinalIgnoreCase))
            ? word[..^2]
            : word;

    [GeneratedRegex(@"[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*")]
    private static partial Regex WordPattern();

    private sealed record Word(string Text, string Lower, bool IsName, bool IsContent);
}
