namespace RagApp.Benchmarks;

/// <summary>
/// Ranking quality of one ranked list against graded judgements: recall@5, recall@10, MRR@10 and nDCG@10 with linear
/// gain (the grade itself, as the reference numbers in DESIGN §4 were measured).
/// </summary>
internal readonly record struct RetrievalMetrics(double RecallAt5, double RecallAt10, double MrrAt10, double NdcgAt10)
{
    public static RetrievalMetrics Of(IReadOnlyList<string> ranked, IReadOnlyDictionary<string, int> relevant)
    {
        var top10 = ranked.Take(10).ToList();
        var recall5 = top10.Take(5).Count(relevant.ContainsKey) / (double)relevant.Count;
        var recall10 = top10.Count(relevant.ContainsKey) / (double)relevant.Count;
        var firstHit = top10.FindIndex(relevant.ContainsKey);
        var mrr = firstHit < 0 ? 0 : 1.0 / (firstHit + 1);
        var dcg = 0.0;
        for (var i = 0; i < top10.Count; i++)
        {
            dcg += relevant.GetValueOrDefault(top10[i]) / Math.Log2(i + 2);
        }

        var ideal = relevant.Values.OrderDescending().Take(10).Select((grade, i) => grade / Math.Log2(i + 2)).Sum();
        return new RetrievalMetrics(recall5, recall10, mrr, ideal > 0 ? dcg / ideal : 0);
    }

    public static RetrievalMetrics Mean(IReadOnlyList<RetrievalMetrics> all) => new(
        all.Average(metrics => metrics.RecallAt5),
        all.Average(metrics => metrics.RecallAt10),
        all.Average(metrics => metrics.MrrAt10),
        all.Average(metrics => metrics.NdcgAt10));
}
