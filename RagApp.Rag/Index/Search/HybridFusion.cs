namespace RagApp.Rag.Index.Search;

/// <summary>
/// Combines a dense and a keyword ranking into one. Both stores fuse through this, so "hybrid" means the same thing
/// whichever store answers (except Qdrant's server-side RRF, see QdrantVectorStore).
/// </summary>
internal static class HybridFusion
{
    public static List<FusedCandidate<TKey>> Fuse<TKey>(
        IReadOnlyList<RankedCandidate<TKey>> dense,
        IReadOnlyList<RankedCandidate<TKey>> keyword,
        SearchOptions options,
        int topK)
        where TKey : notnull
    {
        if (options.Fusion == FusionMethod.Adaptive)
        {
            throw new ArgumentException("Adaptive fusion needs the candidates' vectors: call AdaptiveFusion.Fuse.", nameof(options));
        }

        var fused = new Dictionary<TKey, (double Score, double? Dense, double? Keyword)>(dense.Count + keyword.Count);
        if (options.Fusion == FusionMethod.ReciprocalRank)
        {
            AddReciprocalRanks(fused, dense, options.RrfK, isDense: true);
            AddReciprocalRanks(fused, keyword, options.RrfK, isDense: false);
        }
        else
        {
            AddNormalised(fused, dense, options.DenseWeight, isDense: true);
            AddNormalised(fused, keyword, 1 - options.DenseWeight, isDense: false);
        }

        var result = new List<FusedCandidate<TKey>>(fused.Count);
        foreach (var (key, value) in fused)
        {
            result.Add(new FusedCandidate<TKey>(key, value.Score, value.Dense, value.Keyword));
        }

        SortAndTrim(result, topK);
        return result;
    }

    /// <summary>Best first, cut to <paramref name="topK"/>.</summary>
    internal static void SortAndTrim<TKey>(List<FusedCandidate<TKey>> result, int topK)
    {
        // Ties (common with RRF) fall back to the raw dense, then keyword score so the order is deterministic.
        result.Sort(static (a, b) =>
        {
            var byScore = b.Score.CompareTo(a.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            var byDense = (b.DenseScore ?? double.MinValue).CompareTo(a.DenseScore ?? double.MinValue);
            return byDense != 0 ? byDense : (b.KeywordScore ?? double.MinValue).CompareTo(a.KeywordScore ?? double.MinValue);
        });

        if (result.Count > topK)
        {
            result.RemoveRange(topK, result.Count - topK);
        }
    }

    private static void AddNormalised<TKey>(
        Dictionary<TKey, (double Score, double? Dense, double? Keyword)> fused,
        IReadOnlyList<RankedCandidate<TKey>> ranking,
        double weight,
        bool isDense)
        where TKey : notnull
    {
        if (ranking.Count == 0)
        {
            return;
        }

        var min = double.MaxValue;
        var max = double.MinValue;
        foreach (var candidate in ranking)
        {
            min = Math.Min(min, candidate.Score);
            max = Math.Max(max, candidate.Score);
        }

        var range = max - min;
        foreach (var candidate in ranking)
        {
            // A list whose scores are all equal carries no ordering information beyond membership: give it full weight.
            var normalised = range > 0 ? (candidate.Score - min) / range : 1.0;
            Accumulate(fused, candidate, weight * normalised, isDense);
        }
    }

    private static void AddReciprocalRanks<TKey>(
        Dictionary<TKey, (double Score, double? Dense, double? Keyword)> fused,
        IReadOnlyList<RankedCandidate<TKey>> ranking,
        int k,
        bool isDense)
        where TKey : notnull
    {
        for (var rank = 0; rank < ranking.Count; rank++)
        {
            Accumulate(fused, ranking[rank], 1.0 / (k + rank + 1), isDense);
        }
    }

    private static void Accumulate<TKey>(
        Dictionary<TKey, (double Score, double? Dense, double? Keyword)> fused,
        RankedCandidate<TKey> candidate,
        double contribution,
        bool isDense)
        where TKey : notnull
    {
        fused.TryGetValue(candidate.Key, out var entry);
        fused[candidate.Key] = isDense
            ? (entry.Score + contribution, candidate.Score, entry.Keyword)
            : (entry.Score + contribution, entry.Dense, candidate.Score);
    }
}
