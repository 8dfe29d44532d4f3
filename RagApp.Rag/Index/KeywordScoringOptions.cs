using System.ComponentModel.DataAnnotations;
using RagApp.Rag.Index.Keywords;

namespace RagApp.Rag.Index;

/// <summary>
/// The keyword signal (VectorStore:Keyword): how text becomes terms and BM25's parameters. English stems with k1 1.2
/// and b 0.6 scored best under the hybrid fusion on cranfield (docs/benchmarks.md "Retrieval quality").
/// </summary>
internal sealed class KeywordScoringOptions
{
    [Range(0.0, 10.0)]
    public double K1 { get; set; } = 1.2;

    [Range(0.0, 1.0)]
    public double B { get; set; } = 0.6;

    /// <summary>
    /// English (default): words are reduced to their stems, so a question about "heated wings" matches a passage on
    /// "heating the wing". None: words as written. The embedded index applies it when it reads its chunks at start-up;
    /// a Qdrant collection keeps the stemming it was first written with (docs/architecture.md "Keyword terms").
    /// </summary>
    public KeywordStemming Stemming { get; set; } = KeywordStemming.English;
}
