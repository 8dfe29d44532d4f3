using System.Collections.Frozen;

namespace RagApp.Rag.Index.Keywords;

/// <summary>
/// Lucene's classic English stop set: small on purpose, BM25's IDF already discounts common words and a longer list
/// starts removing words that matter in technical text.
/// </summary>
internal static class EnglishStopWords
{
    public static FrozenSet<string> Words { get; } = FrozenSet.ToFrozenSet(
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
        "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
        "will", "with",
    ], StringComparer.Ordinal);

    public static FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; } = Words.GetAlternateLookup<ReadOnlySpan<char>>();
}
