using System.Collections.Frozen;
using RagApp.Rag.Index.Keywords;

namespace RagApp.Rag.Answers;

/// <summary>
/// The content terms of a question or sentence for lexical overlap: the keyword index's terms (lower-cased, letters
/// and digits, its stop words dropped) less question words, with plural and tense endings cut so that "founded"
/// meets "found" and "universities" meets "university".
/// </summary>
internal static class AnswerTerms
{
    // Words that shape a question but name nothing an answer sentence would repeat.
    private static readonly FrozenSet<string> QuestionWords = FrozenSet.ToFrozenSet(
    [
        "what", "which", "who", "whom", "whose", "when", "where", "why", "how", "did", "does", "do", "many", "much",
        "has", "have", "had", "were", "been", "being", "can", "could", "would", "should", "may", "might", "name",
        "type", "kind", "one", "some", "from", "about", "after", "before", "than", "its", "his", "her", "also", "most",
        "called", "year", "used",
    ], StringComparer.Ordinal);

    public static HashSet<string> Of(string text)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in KeywordTokenizer.Tokenize(text))
        {
            if (!QuestionWords.Contains(token))
            {
                terms.Add(Stem(token));
            }
        }

        return terms;
    }

    private static string Stem(string term)
    {
        if (term.Length <= 4 || char.IsDigit(term[0]))
        {
            return term;
        }

        if (term.EndsWith("ies", StringComparison.Ordinal))
        {
            return term[..^3] + "y";
        }

        foreach (var suffix in (ReadOnlySpan<string>)["ing", "ed", "es", "s", "ly"])
        {
            if (term.EndsWith(suffix, StringComparison.Ordinal) && term.Length - suffix.Length >= 4)
            {
                return term[..^suffix.Length];
            }
        }

        return term;
    }
}
