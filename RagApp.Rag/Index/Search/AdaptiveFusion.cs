using System.Numerics.Tensors;

namespace RagApp.Rag.Index.Search;

/// <summary>
/// Hybrid fusion that adapts to each question (<see cref="FusionMethod.Adaptive"/>, docs/architecture.md "Adaptive
/// fusion"). A fixed weight cannot be right for every question: some are answered by a rare word BM25 nails, some by a
/// paraphrase only the embedding sees. So per question:
/// <list type="number">
/// <item>the candidate pool is the union of both rankings, and every candidate gets both scores: its cosine from its
/// stored vector (so a keyword-only hit is not scored as "dense zero"), its BM25 from the keyword list, or, when the
/// list was cut at the candidate count, the list's lowest score (an upper bound; a shorter list holds every match, so
/// a candidate missing from it scores 0);</item>
/// <item>each signal is z-normalised over the pool, which puts cosines and BM25 on one scale without min-max's
/// sensitivity to a single outlier at either end;</item>
/// <item>each signal is weighted by its confidence, how far its best candidate stands out of the pool (its top
/// z-score), raised to <see cref="SearchOptions.ConfidenceExponent"/> and times the base <see cref="SearchOptions.DenseWeight"/>:
/// a signal with a clear winner leads, a flat one steps back (off by default, exponent 0: every positive power
/// measured worse, docs/benchmarks.md);</item>
/// <item>the question vector is moved towards the mean vector of the top fused candidates (Rocchio pseudo-relevance
/// feedback), by <see cref="SearchOptions.FeedbackWeight"/> times how much the two signals disagree on their top
/// ten: when they agree there is nothing to learn; when they do not, the fused top (which used both) is better
/// evidence than either, so the pool is re-scored with the moved vector and fused again. (Searching the whole
/// collection again with it measured the same on both evaluation sets, for a second dense scan per question.)
/// With a <see cref="SearchOptions.FeedbackTemperature"/> the top candidates count by how close their fused score
/// comes to the best one's (a softmax), so a clear winner feeds back alone and near-ties share; 0 (the default)
/// averages them equally.</item>
/// <item>the best <see cref="SearchOptions.ProximityCandidates"/> fused candidates are re-read for how closely they keep
/// the question's neighbouring words together (<see cref="Keywords.TermProximity"/>); that score, z-normalised over
/// them, is added at <see cref="SearchOptions.ProximityWeight"/>. The evidence BM25 and a single vector per passage
/// both miss: where the question's words stand in the passage.</item>
/// </list>
/// </summary>
internal static class AdaptiveFusion
{
    /// <summary>How many of each signal's best candidates are compared to measure their agreement.</summary>
    internal const int AgreementDepth = 10;

    /// <param name="dense">The dense ranking (cosines), best first.</param>
    /// <param name="keyword">The keyword ranking (BM25), best first.</param>
    /// <param name="keywordLimit">How many candidates the keyword ranking was asked for: a shorter list holds every match.</param>
    /// <param name="query">The question vector; empty when there is none (then the dense signal stays out).</param>
    /// <param name="vectorOf">A candidate's stored vector, or empty when the store cannot tell.</param>
    /// <param name="proximityOf">A candidate's term-proximity score (<see cref="Keywords.TermProximity.Score"/>), or null for none.</param>
    public static List<FusedCandidate<TKey>> Fuse<TKey>(
        IReadOnlyList<RankedCandidate<TKey>> dense,
        IReadOnlyList<RankedCandidate<TKey>> keyword,
        int keywordLimit,
        ReadOnlySpan<float> query,
        Func<TKey, ReadOnlyMemory<float>> vectorOf,
        SearchOptions options,
        int topK,
        Func<TKey, double>? proximityOf = null)
        where TKey : notnull
    {
        var queryNorm = Norm(query);
        var hasDense = dense.Count > 0 && queryNorm > 0;
        var pool = Pool<TKey>.Of(dense, keyword, keywordLimit, query, hasDense ? vectorOf : null);
        (double[] Z, double Confidence)? denseSignal = hasDense ? Standardise(pool.Cosines) : null;
        (double[] Z, double Confidence)? keywordSignal = keyword.Count > 0 ? Standardise(pool.Keyword) : null;
        var fused = Combine(denseSignal, keywordSignal, options);
        var reported = pool.Cosines;

        if (denseSignal is not null && keywordSignal is not null && options.FeedbackDocuments > 0 && options.FeedbackWeight > 0)
        {
            var weight = options.FeedbackWeight * Disagreement(dense, keyword);
            if (weight > 0 && Feedback(query, queryNorm, pool.Vectors, fused, options.FeedbackDocuments, options.FeedbackTemperature, weight) is { } moved)
            {
                fused = Combine(Standardise(pool.CosinesTo(moved)), keywordSignal, options);
            }
        }

        if (proximityOf is not null && options.ProximityWeight > 0)
        {
            AddProximity(pool.Keys, fused, proximityOf, options);
        }

        var result = new List<FusedCandidate<TKey>>(pool.Keys.Count);
        for (var i = 0; i < pool.Keys.Count; i++)
        {
            result.Add(new FusedCandidate<TKey>(pool.Keys[i], fused[i], hasDense ? reported[i] : null, pool.InKeyword[i] ? pool.Keyword[i] : null));
        }

        HybridFusion.SortAndTrim(result, topK);
        return result;
    }

    /// <summary>Adds the z-normalised proximity of the best fused candidates to their fused scores.</summary>
    private static void AddProximity<TKey>(List<TKey> keys, double[] fused, Func<TKey, double> proximityOf, SearchOptions options)
    {
        var head = TopIndices(fused, Math.Min(options.ProximityCandidates, fused.Length));
        var proximity = new double[head.Length];
        for (var i = 0; i < head.Length; i++)
        {
            proximity[i] = proximityOf(keys[head[i]]);
        }

        var (z, _) = Standardise(proximity);
        for (var i = 0; i < head.Length; i++)
        {
            fused[head[i]] += options.ProximityWeight * z[i];
        }
    }

    /// <summary>z-scores and the signal's confidence (its top z-score, at least 0); all zero when the scores are equal.</summary>
    internal static (double[] Z, double Confidence) Standardise(double[] scores)
    {
        var z = new double[scores.Length];
        if (scores.Length == 0)
        {
            return (z, 0);
        }

        var mean = 0.0;
        foreach (var score in scores)
        {
            mean += score;
        }

        mean /= scores.Length;
        var variance = 0.0;
        foreach (var score in scores)
        {
            variance += (score - mean) * (score - mean);
        }

        var deviation = Math.Sqrt(variance / scores.Length);
        if (deviation <= 1e-12)
        {
            return (z, 0);
        }

        var top = 0.0;
        for (var i = 0; i < scores.Length; i++)
        {
            z[i] = (scores[i] - mean) / deviation;
            top = Math.Max(top, z[i]);
        }

        return (z, top);
    }

    /// <summary>The per-question weights of the two signals (summing to 1 when either has any confidence).</summary>
    internal static (double Dense, double Keyword) Weights(double denseConfidence, double keywordConfidence, SearchOptions options)
    {
        var dense = options.DenseWeight * Math.Pow(denseConfidence, options.ConfidenceExponent);
        var keyword = (1 - options.DenseWeight) * Math.Pow(keywordConfidence, options.ConfidenceExponent);
        var total = dense + keyword;
        return total > 0 ? (dense / total, keyword / total) : (options.DenseWeight, 1 - options.DenseWeight);
    }

    /// <summary>
    /// Share of the top ten of the shorter ranking that the other's top ten lacks: 0 when the signals agree, 1 when
    /// they share nothing.
    /// </summary>
    internal static double Disagreement<TKey>(IReadOnlyList<RankedCandidate<TKey>> dense, IReadOnlyList<RankedCandidate<TKey>> keyword)
        where TKey : notnull
    {
        var depth = Math.Min(AgreementDepth, Math.Min(dense.Count, keyword.Count));
        if (depth == 0)
        {
            return 0;
        }

        var topDense = new HashSet<TKey>(dense.Take(depth).Select(candidate => candidate.Key));
        var shared = keyword.Take(depth).Count(candidate => topDense.Contains(candidate.Key));
        return 1 - ((double)shared / depth);
    }

    private static double[] Combine((double[] Z, double Confidence)? dense, (double[] Z, double Confidence)? keyword, SearchOptions options)
    {
        var count = dense?.Z.Length ?? keyword?.Z.Length ?? 0;
        var (denseWeight, keywordWeight) = (dense, keyword) switch
        {
            (null, null) => (0.0, 0.0),
            (null, _) => (0.0, 1.0),
            (_, null) => (1.0, 0.0),
            _ => Weights(dense.Value.Confidence, keyword.Value.Confidence, options),
        };
        var fused = new double[count];
        for (var i = 0; i < count; i++)
        {
            fused[i] = (denseWeight * (dense?.Z[i] ?? 0)) + (keywordWeight * (keyword?.Z[i] ?? 0));
        }

        return fused;
    }

    /// <summary>
    /// The question vector (unit length) plus <paramref name="weight"/> times the (weighted, see
    /// <see cref="FeedbackShares"/>) mean unit vector of the top fused candidates, normalised.
    /// </summary>
    private static float[]? Feedback(
        ReadOnlySpan<float> query, double queryNorm, ReadOnlyMemory<float>[] vectors, double[] fused, int documents, double temperature, double weight)
    {
        var moved = new float[query.Length];
        var total = 0.0;
        var top = TopIndices(fused, Math.Min(documents, fused.Length));
        var shares = FeedbackShares(top.Select(index => fused[index]).ToArray(), temperature);
        for (var i = 0; i < top.Length; i++)
        {
            var vector = vectors[top[i]].Span;
            var norm = Norm(vector);
            if (vector.Length != query.Length || norm <= 0)
            {
                continue;
            }

            TensorPrimitives.MultiplyAdd(vector, (float)(shares[i] / norm), moved, moved);
            total += shares[i];
        }

        if (total <= 0)
        {
            return null;
        }

        TensorPrimitives.Multiply(moved, (float)(weight / total), moved);
        TensorPrimitives.MultiplyAdd(query, (float)(1 / queryNorm), moved, moved);

        // Unit length, so a store's dot products with it are cosines like the first ranking's.
        TensorPrimitives.Multiply(moved, (float)(1 / Norm(moved)), moved);
        return moved;
    }

    /// <summary>
    /// How much each feedback candidate counts, given their fused scores: exp((score − best) / temperature), so the
    /// best counts 1 and one a temperature below it 1/e; all 1 when the temperature is 0.
    /// </summary>
    internal static double[] FeedbackShares(double[] fusedScores, double temperature)
    {
        var shares = new double[fusedScores.Length];
        var best = fusedScores.Length > 0 ? fusedScores.Max() : 0;
        for (var i = 0; i < shares.Length; i++)
        {
            shares[i] = temperature > 0 ? Math.Exp((fusedScores[i] - best) / temperature) : 1;
        }

        return shares;
    }

    private static int[] TopIndices(double[] scores, int count)
    {
        var order = new int[scores.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        // Ties go to the lower index (the earlier, better-ranked candidate) so the choice is deterministic.
        Array.Sort(order, (a, b) => scores[b] != scores[a] ? scores[b].CompareTo(scores[a]) : a.CompareTo(b));
        return order[..count];
    }

    internal static double Norm(ReadOnlySpan<float> vector) => vector.IsEmpty ? 0 : TensorPrimitives.Norm(vector);

    internal static double Cosine(ReadOnlySpan<float> query, double queryNorm, ReadOnlySpan<float> vector)
    {
        var norm = Norm(vector);
        return norm > 0 ? TensorPrimitives.Dot(query, vector) / (queryNorm * norm) : 0;
    }
}
