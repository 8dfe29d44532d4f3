namespace RagApp.Rag.Index.Keywords;

/// <summary>
/// The keyword signal's tokenizer (see <see cref="TokenReader"/>). Both stores use it, and Qdrant's sparse vectors
/// hash its terms, so the two agree on what a term is.
/// </summary>
internal static class KeywordTokenizer
{
    /// <summary>Every term in text order, repeats included.</summary>
    public static List<string> Tokenize(string text, KeywordStemming stemming = KeywordStemming.None) =>
        Tokenize(text, stemming, rememberStems: true);

    private static List<string> Tokenize(string text, KeywordStemming stemming, bool rememberStems)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        var reader = new TokenReader(text, stackalloc char[TokenReader.MaxTermLength], stemming, rememberStems);
        while (reader.TryRead(out var term))
        {
            tokens.Add(term.ToString());
        }

        return tokens;
    }

    /// <summary>Term frequencies of a text and its length in terms (the BM25 document length).</summary>
    public static (Dictionary<string, int> Frequencies, int Length) CountTerms(string text, KeywordStemming stemming = KeywordStemming.None)
    {
        ArgumentNullException.ThrowIfNull(text);
        var frequencies = new Dictionary<string, int>(StringComparer.Ordinal);
        var lookup = frequencies.GetAlternateLookup<ReadOnlySpan<char>>();
        var length = 0;
        var reader = new TokenReader(text, stackalloc char[TokenReader.MaxTermLength], stemming);
        while (reader.TryRead(out var term))
        {
            // A string is made once per distinct term, not once per occurrence.
            lookup[term] = lookup.TryGetValue(term, out var count) ? count + 1 : 1;
            length++;
        }

        return (frequencies, length);
    }

    /// <summary>
    /// The distinct terms of a query, in first-seen order; each counts once in BM25. Stems of a question's words are not
    /// remembered (<see cref="TermStemmer"/>): questions are anyone's text, the memory is for the index's vocabulary.
    /// </summary>
    public static List<string> DistinctTerms(string? text, KeywordStemming stemming = KeywordStemming.None)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var terms = new List<string>();
        foreach (var token in Tokenize(text, stemming, rememberStems: false))
        {
            if (seen.Add(token))
            {
                terms.Add(token);
            }
        }

        return terms;
    }
}
