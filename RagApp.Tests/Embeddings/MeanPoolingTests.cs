using RagApp.Core.Embeddings;

namespace RagApp.Tests.Embeddings;

public sealed class MeanPoolingTests
{
    [Fact]
    public void PoolsOnlyTheMaskedPrefix_AndNormalises()
    {
        // Two real tokens, then a padding row that must not count.
        float[] tokens = [3, 0, 4, 1, 2, 0, 100, 100, 100];
        var pooled = new float[3];

        MeanPooling.PoolAndNormalize(tokens, tokenCount: 2, pooled);

        float[] mean = [(3 + 1) / 2f, (0 + 2) / 2f, (4 + 0) / 2f];
        var norm = MathF.Sqrt(mean.Sum(x => x * x));
        VectorAssert.Equal(mean.Select(x => x / norm).ToArray(), pooled, 1e-6f);
    }

    [Fact]
    public void ZeroVector_StaysFinite()
    {
        var pooled = new float[2];

        MeanPooling.PoolAndNormalize(new float[4], tokenCount: 2, pooled);

        Assert.All(pooled, x => Assert.Equal(0f, x));
    }
}
