using System.Text;

namespace RagApp.Rag.Index.Keywords;

/// <summary>
/// The keyword signal's tokenizer: lower-case (invariant), split on anything that is not a letter or digit, drop
/// stop words. Both stores use it, and Qdrant's sparse vectors hash its terms, so the two agree on what a term is.
/// </summary>
internal static class KeywordTokenizer
{
    /// <summary>Every term in text order, repeats included.</summary>
    public static List<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune))
            {
                current.Append(Rune.ToLowerInvariant(rune).ToString());
                continue;
            }

            Flush(current, tokens);
        }

        Flush(current, tokens);
        return tokens;
    }

    /// <summary>Term frequencies of a text and its length in terms (the BM25 document length).</summary>
    public static (Dictionary<string, int> Frequencies, int Length) CountTerms(string text)
    {
        var tokens = Tokenize(text);
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var token in tokens)
        {
            frequencies[token] = frequencies.GetValueOrDefault(token) + 1;
        }

        return (frequencies, tokens.Count);
    }

    /// <summary>The distinct terms of a query, in first-seen order; each counts once in BM25.</summary>
    public static List<string> DistinctTerms(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var terms = new List<string>();
        foreach (var token in Tokenize(text))
        {
            if (seen.Add(token))
            {
                terms.Add(token);
            }
        }

        return terms;
    }

    private static void Flush(StringBuilder current, List<string> tokens)
    {
        if (current.Length == 0)
        {
            return;
        }

        var token = current.ToString();
        current.Clear();
        if (!EnglishStopWords.Words.Contains(token))
        {
            tokens.Add(token);
        }
    }
}
