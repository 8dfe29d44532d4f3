namespace RagApp.Rag.Index.Search;

/// <summary>
/// The candidates of <see cref="AdaptiveFusion"/>: the union of both rankings, each with both scores (see there for
/// how a missing one is filled in) and its vector.
/// </summary>
internal sealed class Pool<TKey>
    where TKey : notnull
{
    private Pool(int capacity)
    {
        Keys = new List<TKey>(capacity);
    }

    public List<TKey> Keys { get; }
    public double[] Cosines { get; private set; } = [];
    public double[] Keyword { get; private set; } = [];
    public bool[] InKeyword { get; private set; } = [];
    public ReadOnlyMemory<float>[] Vectors { get; private set; } = [];

    /// <param name="vectorOf">Null when there is no dense signal: then no vectors are fetched and the cosines stay 0.</param>
    public static Pool<TKey> Of(
        IReadOnlyList<RankedCandidate<TKey>> dense,
        IReadOnlyList<RankedCandidate<TKey>> keyword,
        int keywordLimit,
        ReadOnlySpan<float> query,
        Func<TKey, ReadOnlyMemory<float>>? vectorOf)
    {
        var pool = new Pool<TKey>(dense.Count + keyword.Count);
        var slots = new Dictionary<TKey, int>(dense.Count + keyword.Count);
        foreach (var candidate in dense.Concat(keyword))
        {
            if (slots.TryAdd(candidate.Key, pool.Keys.Count))
            {
                pool.Keys.Add(candidate.Key);
            }
        }

        var count = pool.Keys.Count;
        pool.Cosines = new double[count];
        pool.Keyword = new double[count];
        pool.InKeyword = new bool[count];
        pool.Vectors = new ReadOnlyMemory<float>[count];
        var known = new bool[count];
        foreach (var candidate in dense)
        {
            pool.Cosines[slots[candidate.Key]] = candidate.Score;
            known[slots[candidate.Key]] = true;
        }

        var queryNorm = AdaptiveFusion.Norm(query);
        var denseFloor = dense.Count > 0 ? dense[^1].Score : 0;
        for (var i = 0; i < count && vectorOf is not null; i++)
        {
            pool.Vectors[i] = vectorOf(pool.Keys[i]);
            if (!known[i])
            {
                pool.Cosines[i] = pool.Vectors[i].Length == query.Length && queryNorm > 0
                    ? AdaptiveFusion.Cosine(query, queryNorm, pool.Vectors[i].Span)
                    : denseFloor;
            }
        }

        // A list cut at its limit may have left out candidates that match: they score at most its lowest.
        Array.Fill(pool.Keyword, keyword.Count >= keywordLimit && keyword.Count > 0 ? keyword[^1].Score : 0);
        foreach (var candidate in keyword)
        {
            pool.Keyword[slots[candidate.Key]] = candidate.Score;
            pool.InKeyword[slots[candidate.Key]] = true;
        }

        return pool;
    }

    /// <summary>Every candidate's cosine with <paramref name="query"/> (the lowest cosine of the pool when its vector is unknown).</summary>
    public double[] CosinesTo(ReadOnlySpan<float> query)
    {
        var queryNorm = AdaptiveFusion.Norm(query);
        var floor = Cosines.Length > 0 ? Cosines.Min() : 0;
        var cosines = new double[Keys.Count];
        for (var i = 0; i < cosines.Length; i++)
        {
            cosines[i] = Vectors[i].Length == query.Length ? AdaptiveFusion.Cosine(query, queryNorm, Vectors[i].Span) : floor;
        }

        return cosines;
    }
}
