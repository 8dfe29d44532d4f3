using System.ComponentModel.DataAnnotations;

namespace RagApp.Rag.Index;

/// <summary>BM25 parameters (VectorStore:Keyword); 0.9/0.4 scored best on cranfield (DESIGN §4).</summary>
internal sealed class KeywordScoringOptions
{
    [Range(0.0, 10.0)]
    public double K1 { get; set; } = 0.9;

    [Range(0.0, 1.0)]
    public double B { get; set; } = 0.4;
}
