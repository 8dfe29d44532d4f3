namespace RagApp.Rag.Index.Keywords;

/// <summary>
/// How closely a passage keeps the question's words together: for each pair of words next to each other in the
/// question (stop words left out, as in BM25), the number of places where the passage has them within
/// <c>window</c> terms of each other, scored 1 + ln(count) when it has any. BM25 counts words one by one, so "heat
/// transfer in a boundary layer" scores the same in a passage about boundary layers and in one that mentions heat,
/// transfer, boundary and layer in four unrelated sentences; this tells them apart. Reads the passage's terms with
/// the keyword signal's own tokenizer and stemming, keeping only positions of the question's terms (no allocation per
/// word).
/// </summary>
internal sealed class TermProximity
{
    private readonly string[] _terms;
    private readonly KeywordStemming _stemming;
    private readonly int _window;

    /// <param name="queryTerms">The question's distinct terms in question order (<see cref="KeywordTokenizer.DistinctTerms"/>).</param>
    public TermProximity(IReadOnlyList<string> queryTerms, KeywordStemming stemming, int window)
    {
        ArgumentNullException.ThrowIfNull(queryTerms);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(window);
        _terms = [.. queryTerms];
        _stemming = stemming;
        _window = window;
    }

    /// <summary>Whether there is anything to measure: a question of fewer than two terms has no pairs.</summary>
    public bool HasPairs => _terms.Length > 1;

    public double Score(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!HasPairs)
        {
            return 0;
        }

        var positions = new List<int>?[_terms.Length];
        var reader = new TokenReader(text, stackalloc char[TokenReader.MaxTermLength], _stemming);
        var position = 0;
        while (reader.TryRead(out var term))
        {
            for (var i = 0; i < _terms.Length; i++)
            {
                if (term.SequenceEqual(_terms[i]))
                {
                    (positions[i] ??= []).Add(position);
                    break;
                }
            }

            position++;
        }

        var score = 0.0;
        for (var i = 0; i + 1 < _terms.Length; i++)
        {
            if (positions[i] is { } first && positions[i + 1] is { } second && Near(first, second, _window) is var near and > 0)
            {
                score += 1 + Math.Log(near);
            }
        }

        return score;
    }

    /// <summary>Pairs of positions, one from each sorted list, at most <paramref name="window"/> apart.</summary>
    private static int Near(List<int> first, List<int> second, int window)
    {
        var count = 0;
        var start = 0;
        foreach (var a in first)
        {
            while (start < second.Count && second[start] < a - window)
            {
                start++;
            }

            for (var j = start; j < second.Count && second[j] <= a + window; j++)
            {
                count++;
            }
        }

        return count;
    }
}
