using System.ComponentModel.DataAnnotations;
using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Retrieval;

/// <summary>How <c>Query</c> ranks passages, section "Rag:Retrieval". The defaults are the best measured (docs/benchmarks.md).</summary>
internal sealed class RetrievalOptions
{
    public const string SectionName = "Rag:Retrieval";

    /// <summary>Hybrid (default), Dense or Keyword: the last two exist to measure each signal alone.</summary>
    public SearchMode Mode { get; set; } = SearchMode.Hybrid;

    /// <summary>How hybrid search fuses the two rankings: Adaptive (default), WeightedSum or ReciprocalRank.</summary>
    public FusionMethod Fusion { get; set; } = SearchOptions.Default.Fusion;

    /// <summary>Weight of the normalised dense score in the weighted-sum fusion; the dense base weight in the adaptive one.</summary>
    [Range(0.0, 1.0)]
    public double DenseWeight { get; set; } = SearchOptions.Default.DenseWeight;

    /// <summary>Adaptive fusion: power of each signal's confidence in its weight (0: fixed weights).</summary>
    [Range(0.0, SearchOptions.MaxConfidenceExponent)]
    public double ConfidenceExponent { get; set; } = SearchOptions.Default.ConfidenceExponent;

    /// <summary>Adaptive fusion: top fused candidates whose mean vector moves the question vector (0: no feedback).</summary>
    [Range(0, SearchOptions.MaxFeedbackDocuments)]
    public int FeedbackDocuments { get; set; } = SearchOptions.Default.FeedbackDocuments;

    /// <summary>Adaptive fusion: weight of that mean vector when the two signals fully disagree.</summary>
    [Range(0.0, SearchOptions.MaxFeedbackWeight)]
    public double FeedbackWeight { get; set; } = SearchOptions.Default.FeedbackWeight;

    /// <summary>Adaptive fusion: softmax temperature of the feedback candidates' fused scores (0: equal weights).</summary>
    [Range(0.0, SearchOptions.MaxFeedbackTemperature)]
    public double FeedbackTemperature { get; set; } = SearchOptions.Default.FeedbackTemperature;

    /// <summary>Adaptive fusion: weight of the term-proximity signal over the head of the fused ranking (0: off).</summary>
    [Range(0.0, SearchOptions.MaxProximityWeight)]
    public double ProximityWeight { get; set; } = SearchOptions.Default.ProximityWeight;

    /// <summary>Adaptive fusion: most terms between two neighbouring question words that still count as together.</summary>
    [Range(1, SearchOptions.MaxProximityWindow)]
    public int ProximityWindow { get; set; } = SearchOptions.Default.ProximityWindow;

    /// <summary>Adaptive fusion: how many of the best fused candidates the proximity signal reads.</summary>
    [Range(1, SearchOptions.MaxProximityCandidates)]
    public int ProximityCandidates { get; set; } = SearchOptions.Default.ProximityCandidates;

    /// <summary>Candidates each signal contributes to the fusion.</summary>
    [Range(1, SearchOptions.MaxResults)]
    public int CandidateCount { get; set; } = SearchOptions.Default.CandidateCount;

    public SearchOptions ToSearchOptions() => new()
    {
        Mode = Mode,
        Fusion = Fusion,
        DenseWeight = DenseWeight,
        ConfidenceExponent = ConfidenceExponent,
        FeedbackDocuments = FeedbackDocuments,
        FeedbackWeight = FeedbackWeight,
        FeedbackTemperature = FeedbackTemperature,
        ProximityWeight = ProximityWeight,
        ProximityWindow = ProximityWindow,
        ProximityCandidates = ProximityCandidates,
        CandidateCount = CandidateCount,
    };
}
