using System.Numerics.Tensors;

namespace RagApp.Tests.Embeddings;

internal static class VectorAssert
{
    public static void Equal(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - actual[i]) > tolerance)
            {
                Assert.Fail($"Vectors differ at {i}: expected {expected[i]}, actual {actual[i]} (tolerance {tolerance}).");
            }
        }
    }

    public static void NotEqual(ReadOnlySpan<float> unexpected, ReadOnlySpan<float> actual, float tolerance)
    {
        Assert.True(TensorPrimitives.Distance(unexpected, actual) > tolerance, "The vectors are equal.");
    }
}
