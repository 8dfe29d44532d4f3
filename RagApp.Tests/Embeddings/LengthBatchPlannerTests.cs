using RagApp.Core.Embeddings;

namespace RagApp.Tests.Embeddings;

public sealed class LengthBatchPlannerTests
{
    [Fact]
    public void Batches_CoverEveryInputOnce_InOrder()
    {
        int[] counts = [200, 180, 150, 90, 40, 40, 12, 3, 2];

        var batches = LengthBatchPlanner.Plan(counts, maxBatchSize: 4, maxBatchTokens: 100_000);

        Assert.Equal(Enumerable.Range(0, counts.Length), batches.SelectMany(b => Enumerable.Range(b.Start, b.Count)));
        Assert.All(batches, b => Assert.InRange(b.Count, 1, 4));
    }

    [Fact]
    public void PaddedTokens_StayWithinTheTokenLimit()
    {
        int[] counts = [256, 256, 256, 100, 100, 100, 100, 100, 10, 10];

        var batches = LengthBatchPlanner.Plan(counts, maxBatchSize: 32, maxBatchTokens: 512);

        // The first input of a batch is its longest, so it sets the padded length.
        Assert.All(batches, b => Assert.True(b.Count * counts[b.Start] <= 512, $"Batch at {b.Start} pads {b.Count} × {counts[b.Start]} tokens."));
        Assert.Equal([(0, 2), (2, 2), (4, 5), (9, 1)], batches);
    }

    [Fact]
    public void InputLongerThanTheTokenLimit_StillGetsABatchOfItsOwn()
    {
        var batches = LengthBatchPlanner.Plan([300, 5], maxBatchSize: 8, maxBatchTokens: 256);

        Assert.Equal([(0, 1), (1, 1)], batches);
    }

    [Fact]
    public void NoInputs_NoBatches()
    {
        Assert.Empty(LengthBatchPlanner.Plan([], maxBatchSize: 8, maxBatchTokens: 256));
    }
}
