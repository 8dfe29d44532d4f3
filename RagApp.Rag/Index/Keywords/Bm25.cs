namespace RagApp.Rag.Index.Keywords;

/// <summary>
/// Okapi BM25 with the Lucene/Qdrant IDF, ln(1 + (N - df + 0.5) / (df + 0.5)), which never goes negative. Each
/// distinct query term counts once, as in a Qdrant sparse query with weight 1 per term.
/// </summary>
internal readonly record struct Bm25(double K1, double B)
{
    public static double InverseDocumentFrequency(int documentCount, int documentFrequency) =>
        Math.Log(1 + ((documentCount - documentFrequency + 0.5) / (documentFrequency + 0.5)));

    /// <summary>The term-frequency part: saturates with k1 and normalises by length relative to the average with b.</summary>
    public double TermWeight(int termFrequency, int length, double averageLength)
    {
        var norm = averageLength > 0 ? 1 - B + (B * length / averageLength) : 1;
        return termFrequency * (K1 + 1) / (termFrequency + (K1 * norm));
    }
}
