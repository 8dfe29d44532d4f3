using System.Numerics.Tensors;

namespace RagApp.Rag.Index.Embedded;

internal static class VectorMath
{
    /// <summary>Writes source / ‖source‖ to destination; cosine similarity is then a plain dot product.</summary>
    public static void Normalize(ReadOnlySpan<float> source, Span<float> destination)
    {
        var norm = TensorPrimitives.Norm(source);
        if (!(norm > 0) || float.IsInfinity(norm))
        {
            throw new ArgumentException("A vector must have a finite, non-zero length to be normalised.", nameof(source));
        }

        TensorPrimitives.Divide(source, norm, destination);
    }
}
