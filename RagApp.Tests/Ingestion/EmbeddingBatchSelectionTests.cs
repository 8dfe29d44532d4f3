using RagApp.Core.Embeddings;

namespace RagApp.Tests.Ingestion;

/// <summary>How a free model lane picks its batch out of everything waiting.</summary>
public sealed class EmbeddingBatchSelectionTests
{
    [Fact]
    public void ABatch_IsARunOfSimilarLengths_AroundTheOldestText_AndLeavesTheRestWaiting()
    {
        var random = new Random(11);
        var waiting = Enumerable.Range(1, 200)
            .Select(sequence => new PendingEmbedding(new string('x', random.Next(20, 1000)), sequence, CancellationToken.None))
            .OrderBy(_ => random.Next())
            .ToList();
        var everything = waiting.ToList();
        var oldest = waiting.MinBy(item => item.Sequence)!;

        var batch = EmbeddingBatcher.TakeSimilarLengths(waiting, 40);

        Assert.Equal(40, batch.Count);
        Assert.Contains(oldest, batch);
        Assert.Equal(160, waiting.Count);
        Assert.Equal(everything.OrderBy(item => item.Sequence), batch.Concat(waiting).OrderBy(item => item.Sequence));
        // A contiguous run by length: no text left waiting lies strictly inside the batch's length range.
        var (shortest, longest) = (batch.Min(item => item.Text.Length), batch.Max(item => item.Text.Length));
        Assert.DoesNotContain(waiting, item => item.Text.Length > shortest && item.Text.Length < longest);
        Assert.True(longest - shortest < 400, $"a run of 40 out of 200 spread over {longest - shortest} characters");
    }

    [Fact]
    public void RepeatedBatches_ServeEveryText_OldestFirst()
    {
        var random = new Random(5);
        var waiting = Enumerable.Range(1, 100)
            .Select(sequence => new PendingEmbedding(new string('y', random.Next(1, 500)), sequence, CancellationToken.None))
            .ToList();
        var served = new List<long>();
        while (waiting.Count > 0)
        {
            var oldestWaiting = waiting.Min(item => item.Sequence);
            var batch = EmbeddingBatcher.TakeSimilarLengths(waiting, 16);
            Assert.Contains(batch, item => item.Sequence == oldestWaiting);
            served.AddRange(batch.Select(item => item.Sequence));
        }

        Assert.Equal(Enumerable.Range(1, 100).Select(sequence => (long)sequence), served.Order());
    }
}
