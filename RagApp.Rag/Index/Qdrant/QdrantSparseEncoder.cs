using RagApp.Rag.Index.Keywords;

namespace RagApp.Rag.Index.Qdrant;

/// <summary>
/// BM25 as Qdrant sparse vectors: a chunk's value per term is BM25's term-frequency part (length-normalised
/// against a configured average), the query's value per distinct term is 1, and the collection's IDF modifier
/// supplies the IDF at query time. Their dot product is the same BM25 sum the embedded store computes.
/// </summary>
internal sealed class QdrantSparseEncoder(Bm25 bm25, double averageChunkTerms)
{
    /// <param name="stemming">The collection's recorded stemming, which the query terms are made with too.</param>
    public (float[] Values, uint[] Indices) EncodeChunk(string text, KeywordStemming stemming)
    {
        var (frequencies, length) = KeywordTokenizer.CountTerms(text, stemming);
        var weights = new SortedDictionary<uint, float>();
        foreach (var (term, frequency) in frequencies)
        {
            // Two terms hashing alike (vanishingly rare) share a dimension; their weights add up.
            var index = SparseTermHasher.IndexOf(term);
            weights[index] = weights.GetValueOrDefault(index) + (float)bm25.TermWeight(frequency, length, averageChunkTerms);
        }

        return ([.. weights.Values], [.. weights.Keys]);
    }

    public static (float[] Values, uint[] Indices) EncodeQuery(IReadOnlyList<string> distinctTerms)
    {
        var indices = new SortedSet<uint>();
        foreach (var term in distinctTerms)
        {
            indices.Add(SparseTermHasher.IndexOf(term));
        }

        return ([.. Enumerable.Repeat(1f, indices.Count)], [.. indices]);
    }
}
