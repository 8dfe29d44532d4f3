using System.Collections.Concurrent;

namespace RagApp.Rag.Index.Keywords;

/// <summary>
/// English stems for the keyword signal, with Lucene.Net's Snowball English (Porter2) stemmer rather than a stemmer of
/// our own. A stem costs about a microsecond, and the embedded index stems every word of every chunk again at start-up,
/// so stems are remembered per word form: a corpus repeats a small vocabulary, and a lookup costs a fraction of that.
/// </summary>
internal static class TermStemmer
{
    /// <summary>
    /// Word forms remembered at most (about 25 MB of strings); past that, forms first seen later are stemmed each time.
    /// The forms seen first are mostly the frequent ones, which is where the lookups are.
    /// </summary>
    internal const int MaxRememberedForms = 1 << 18;

    private static readonly ConcurrentDictionary<string, string> s_stems = new(StringComparer.Ordinal);

    [ThreadStatic]
    private static Lucene.Net.Tartarus.Snowball.Ext.EnglishStemmer? t_stemmer;

    [ThreadStatic]
    private static char[]? t_input;

    /// <summary>
    /// Replaces the word in the first <paramref name="length"/> characters of <paramref name="buffer"/> with its stem
    /// and returns the stem's length (never longer than the word, and cut to the buffer if it were).
    /// </summary>
    /// <param name="remember">
    /// Whether a form not yet remembered is kept: true for indexed text, false for questions, so that questions full of
    /// made-up words cannot fill the memory the index's own vocabulary needs.
    /// </param>
    public static int Stem(Span<char> buffer, int length, bool remember = true)
    {
        var word = buffer[..length];
        var lookup = s_stems.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(word, out var stem))
        {
            stem = Compute(word);
            if (remember && s_stems.Count < MaxRememberedForms)
            {
                lookup.TryAdd(word, stem);
            }
        }

        var written = Math.Min(stem.Length, buffer.Length);
        stem.AsSpan(0, written).CopyTo(buffer);
        return written;
    }

    /// <summary>Whether <paramref name="form"/>'s stem is remembered (for tests).</summary>
    internal static bool Remembers(string form) => s_stems.ContainsKey(form);

    private static string Compute(ReadOnlySpan<char> word)
    {
        var stemmer = t_stemmer ??= new Lucene.Net.Tartarus.Snowball.Ext.EnglishStemmer();
        var input = t_input is { } reused && reused.Length >= word.Length ? reused : t_input = new char[Math.Max(word.Length, TokenReader.MaxTermLength)];
        word.CopyTo(input);
        stemmer.SetCurrent(input, word.Length);
        stemmer.Stem();
        return new string(stemmer.CurrentBuffer, 0, stemmer.CurrentBufferLength);
    }
}
