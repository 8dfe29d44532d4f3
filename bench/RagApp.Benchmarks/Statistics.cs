namespace RagApp.Benchmarks;

/// <summary>Small summaries the answer benchmarks print.</summary>
internal static class Statistics
{
    /// <summary>The share of <paramref name="items"/> for which <paramref name="predicate"/> holds; 0 for none.</summary>
    public static double Rate<T>(IReadOnlyCollection<T> items, Func<T, bool> predicate) =>
        items.Count == 0 ? 0 : items.Count(predicate) / (double)items.Count;

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
