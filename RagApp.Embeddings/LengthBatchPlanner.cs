namespace RagApp.Core.Embeddings;

/// <summary>
/// Cuts inputs, already sorted by token count (longest first), into batches so that each batch is padded
/// only to its own longest input and stays within the batch-size and padded-token limits.
/// </summary>
internal static class LengthBatchPlanner
{
    /// <param name="sortedTokenCounts">Token counts in descending order.</param>
    /// <returns>Consecutive (start, count) ranges over <paramref name="sortedTokenCounts"/> covering every input once.</returns>
    public static List<(int Start, int Count)> Plan(ReadOnlySpan<int> sortedTokenCounts, int maxBatchSize, int maxBatchTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchTokens, 1);
        var batches = new List<(int Start, int Count)>();
        var start = 0;
        while (start < sortedTokenCounts.Length)
        {
            // Longest first, so the first input of a batch fixes its padded length.
            var paddedLength = sortedTokenCounts[start];
            var byTokens = Math.Max(1, maxBatchTokens / Math.Max(1, paddedLength));
            var count = Math.Min(Math.Min(maxBatchSize, byTokens), sortedTokenCounts.Length - start);
            batches.Add((start, count));
            start += count;
        }

        return batches;
    }
}
