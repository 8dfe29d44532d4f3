using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Retrieval;

/// <summary>
/// Turns a ranking into scores in 0..1 that mean the same thing for every question. The fused score orders hits well
/// but is relative to one question (min-max normalised, or reciprocal ranks); the dense cosine is absolute. So the
/// level comes from the cosine and the order from the fusion (RagApp.Rag/Index/README.md, "Query scores"):
/// <c>relevance = clamp((cosine − Floor) / (Ceiling − Floor), 0, 1)</c>, and the score of the hit at rank i is the
/// highest relevance at rank i or below, so scores never rise down the list and a hit the fusion ranked above another
/// scores at least as high.
/// </summary>
internal static class ScoreCalibration
{
    /// <summary>
    /// all-MiniLM-L6-v2 cosines at or below this carry no relevance: unrelated sentences land around 0.1 (DESIGN §4's
    /// reference pair: 0.1046).
    /// </summary>
    public const double Floor = 0.15;

    /// <summary>Cosines at or above this are a full match (paraphrases: 0.6660 for the reference pair, most above 0.7).</summary>
    public const double Ceiling = 0.75;

    public static double Relevance(double? cosine) =>
        cosine is { } value && !double.IsNaN(value) ? Math.Clamp((value - Floor) / (Ceiling - Floor), 0, 1) : 0;

    /// <summary>Scores for <paramref name="hits"/> in their (fused) order.</summary>
    public static double[] Calibrate(IReadOnlyList<ScoredChunk> hits)
    {
        var scores = new double[hits.Count];
        var best = 0.0;
        for (var i = hits.Count - 1; i >= 0; i--)
        {
            best = Math.Max(best, Relevance(hits[i].DenseScore));
            scores[i] = best;
        }

        return scores;
    }
}
