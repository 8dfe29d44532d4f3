using System.Collections.Frozen;

namespace RagApp.Rag.Answers;

/// <summary>
/// Splits English prose into sentences: at '.', '!' or '?' (with any closing quotes or brackets after it) followed by
/// white space and a capital letter, digit, quote or bracket, unless the word before the period is a known
/// abbreviation, an initial ("J. R. R. Tolkien") or a dotted abbreviation ("U.S.").
/// </summary>
/// <remarks>
/// Written here rather than taken from a package: of the libraries NuGet serves, ICU's sentence break iterator
/// (ICU4N) is an alpha pre-release with tens of megabytes of data, Lucene.Net.ICU wraps the same beta, and Catalyst
/// is not served; none knows English abbreviations better than this list does for encyclopaedic text.
/// </remarks>
internal static class SentenceSplitter
{
    private static readonly FrozenSet<string> Abbreviations = FrozenSet.ToFrozenSet(
    [
        "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "vs", "etc", "e.g", "i.e", "cf", "al", "no", "nos", "inc",
        "co", "corp", "ltd", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm", "gov", "sen", "rep", "rev", "fig",
        "figs", "approx", "ca", "c", "vol", "vols", "pp", "p", "ed", "eds", "jan", "feb", "mar", "apr", "jun", "jul",
        "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "est", "dept", "univ", "assn", "bros", "op", "ch",
    ], StringComparer.OrdinalIgnoreCase);

    /// <summary>The sentences of a text, trimmed, without empty ones.</summary>
    public static List<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is not ('.' or '!' or '?'))
            {
                continue;
            }

            var end = i + 1;
            while (end < text.Length && text[end] is '"' or '\'' or ')' or ']' or '\u201D' or '\u2019' or '.' or '!' or '?')
            {
                end++;
            }

            if (end >= text.Length || !char.IsWhiteSpace(text[end]))
            {
                continue;
            }

            var next = end;
            while (next < text.Length && char.IsWhiteSpace(text[next]))
            {
                next++;
            }

            if (next >= text.Length || !StartsSentence(text[next]) || (c == '.' && EndsWithAbbreviation(text, start, i)))
            {
                continue;
            }

            Add(sentences, text[start..end]);
            start = next;
            i = next - 1;
        }

        Add(sentences, text[start..]);
        return sentences;
    }

    private static bool StartsSentence(char c) =>
        char.IsUpper(c) || char.IsDigit(c) || c is '"' or '\'' or '(' or '[' or '\u201C' or '\u2018';

    // The word before the period at `period`: an abbreviation, a single letter (an initial) or a dotted one ("U.S").
    private static bool EndsWithAbbreviation(string text, int sentenceStart, int period)
    {
        var wordStart = period;
        while (wordStart > sentenceStart && !char.IsWhiteSpace(text[wordStart - 1]) && text[wordStart - 1] is not ('(' or '"'))
        {
            wordStart--;
        }

        var word = text.AsSpan(wordStart, period - wordStart);
        if (word.Length == 0)
        {
            return false;
        }

        if (word.Length == 1 && char.IsLetter(word[0]))
        {
            return true;
        }

        // "U.S", "e.g", "Ph.D": letters separated by periods, each part short.
        if (word.Contains('.') && word.Length <= 6 && !word.ContainsAnyInRange('0', '9'))
        {
            return true;
        }

        return Abbreviations.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word);
    }

    private static void Add(List<string> sentences, string sentence)
    {
        var trimmed = sentence.Trim();
        if (trimmed.Length > 0)
        {
            sentences.Add(trimmed);
        }
    }
}
