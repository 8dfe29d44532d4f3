using System.ComponentModel.DataAnnotations;
using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Retrieval;

/// <summary>How <c>Query</c> ranks passages, section "Rag:Retrieval". The defaults are the best measured (docs/benchmarks.md).</summary>
internal sealed class RetrievalOptions
{
    public const string SectionName = "Rag:Retrieval";

    /// <summary>Hybrid (default), Dense or Keyword: the last two exist to measure each signal alone.</summary>
    public SearchMode Mode { get; set; } = SearchMode.Hybrid;

    /// <summary>How hybrid search fuses the two rankings: WeightedSum (default) or ReciprocalRank.</summary>
    public FusionMethod Fusion { get; set; } = FusionMethod.WeightedSum;

    /// <summary>Weight of the normalised dense score in the weighted-sum fusion.</summary>
    [Range(0.0, 1.0)]
    public double DenseWeight { get; set; } = SearchOptions.Default.DenseWeight;

    /// <summary>Candidates each signal contributes to the fusion.</summary>
    [Range(1, SearchOptions.MaxResults)]
    public int CandidateCount { get; set; } = SearchOptions.Default.CandidateCount;

    public SearchOptions ToSearchOptions() => new()
    {
        Mode = Mode,
        Fusion = Fusion,
        DenseWeight = DenseWeight,
        CandidateCount = CandidateCount,
    };
}
