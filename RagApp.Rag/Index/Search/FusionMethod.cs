namespace RagApp.Rag.Index.Search;

/// <summary>How hybrid search combines the dense and the keyword ranking.</summary>
internal enum FusionMethod
{
    /// <summary>
    /// Per-question z-scores weighted by each signal's confidence, with dense pseudo-relevance feedback when the
    /// signals disagree (<see cref="AdaptiveFusion"/>); the default, see docs/benchmarks.md "Retrieval quality".
    /// </summary>
    Adaptive,
    /// <summary>Each list's scores min-max normalised, then weighted (nDCG@10 0.413 on cranfield at 0.7 dense).</summary>
    WeightedSum,
    /// <summary>Reciprocal rank fusion, 1/(k + rank) summed over both lists (0.410 on cranfield at k 60).</summary>
    ReciprocalRank,
}
