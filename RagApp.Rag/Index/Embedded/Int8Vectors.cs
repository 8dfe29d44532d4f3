using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace RagApp.Rag.Index.Embedded;

/// <summary>
/// 8-bit copies of the index's vectors for the first pass of a dense scan (docs/architecture.md, "Dense scan"). A scan
/// of 10,000 float vectors reads 15 MB per question and is bound by memory, not arithmetic: at 8 questions in flight
/// it was 16 % of RagApp.Rag's CPU. Each vector is stored as signed bytes scaled by its largest component (one float
/// per vector), a quarter of the bytes; the integer dot products rank the collection approximately, and the best of
/// them are scored again with the float vectors, so the ranking a search returns is the exact one (see
/// <see cref="ErrorBound"/> for why it is exact, not only close).
/// </summary>
internal static class Int8Vectors
{
    /// <summary>
    /// Writes <paramref name="vector"/> as bytes in -127..127 and returns the scale that maps them back
    /// (component ≈ byte × scale). A zero vector gets scale 0.
    /// </summary>
    public static float Quantize(ReadOnlySpan<float> vector, Span<sbyte> destination)
    {
        var largest = 0f;
        foreach (var component in vector)
        {
            largest = Math.Max(largest, Math.Abs(component));
        }

        if (!(largest > 0) || float.IsInfinity(largest))
        {
            destination[..vector.Length].Clear();
            return 0;
        }

        var toBytes = 127f / largest;
        for (var i = 0; i < vector.Length; i++)
        {
            destination[i] = (sbyte)Math.Clamp(MathF.Round(vector[i] * toBytes), -127, 127);
        }

        return largest / 127f;
    }

    /// <summary>‖vector − bytes × scale‖: how far the 8-bit copy is from the vector.</summary>
    public static float RoundingError(ReadOnlySpan<float> vector, ReadOnlySpan<sbyte> bytes, float scale)
    {
        var sum = 0d;
        for (var i = 0; i < vector.Length; i++)
        {
            var difference = vector[i] - (bytes[i] * (double)scale);
            sum += difference * difference;
        }

        return (float)Math.Sqrt(sum);
    }

    /// <summary>
    /// How far the 8-bit dot product of two unit vectors can be from the float one, from the rounding errors of the two
    /// copies: with x̂ = x + e and ŷ = y + f, x̂·ŷ − x·y = e·y + x̂·f, and by Cauchy–Schwarz |e·y| ≤ ‖e‖ (‖y‖ = 1) and
    /// |x̂·f| ≤ (1 + ‖e‖)‖f‖. A bound, not an estimate (for 384 dimensions ≈ 0.015, against a typical error of
    /// ≈ 0.0005); the float arithmetic of the dot products themselves is orders of magnitude below it.
    /// </summary>
    public static double ErrorBound(double storedError, double queryError) => storedError + ((1 + storedError) * queryError) + 1e-6;

    /// <summary>
    /// Widens a quantized query to 16 bits once per search, so each vector of the scan costs one widening load and one
    /// multiply-add per 32 components.
    /// </summary>
    public static void Widen(ReadOnlySpan<sbyte> source, Span<short> destination)
    {
        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    /// <summary>Σ a[i]·b[i] of a stored vector and a widened query of the same length.</summary>
    public static int Dot(ReadOnlySpan<sbyte> stored, ReadOnlySpan<short> query)
    {
        if (stored.Length != query.Length)
        {
            throw new ArgumentException("The vectors differ in length.", nameof(query));
        }

        var i = 0;
        var sum = 0;
        if (Avx512BW.IsSupported && stored.Length >= Vector256<sbyte>.Count)
        {
            var accumulator = Vector512<int>.Zero;
            ref var storedStart = ref MemoryMarshal.GetReference(stored);
            ref var queryStart = ref MemoryMarshal.GetReference(query);
            for (; i <= stored.Length - Vector256<sbyte>.Count; i += Vector256<sbyte>.Count)
            {
                var wide = Avx512BW.ConvertToVector512Int16(Vector256.LoadUnsafe(ref storedStart, (nuint)i));
                accumulator = Avx512F.Add(accumulator, Avx512BW.MultiplyAddAdjacent(wide, Vector512.LoadUnsafe(ref queryStart, (nuint)i)));
            }

            sum = Vector512.Sum(accumulator);
        }
        else if (Avx2.IsSupported && stored.Length >= Vector128<sbyte>.Count)
        {
            var accumulator = Vector256<int>.Zero;
            ref var storedStart = ref MemoryMarshal.GetReference(stored);
            ref var queryStart = ref MemoryMarshal.GetReference(query);
            for (; i <= stored.Length - Vector128<sbyte>.Count; i += Vector128<sbyte>.Count)
            {
                var wide = Avx2.ConvertToVector256Int16(Vector128.LoadUnsafe(ref storedStart, (nuint)i));
                accumulator = Avx2.Add(accumulator, Avx2.MultiplyAddAdjacent(wide, Vector256.LoadUnsafe(ref queryStart, (nuint)i)));
            }

            sum = Vector256.Sum(accumulator);
        }

        return sum + DotScalar(stored[i..], query[i..]);
    }

    /// <summary>The plain loop: the tail of a vector, machines without the instructions above, and tests.</summary>
    internal static int DotScalar(ReadOnlySpan<sbyte> stored, ReadOnlySpan<short> query)
    {
        var sum = 0;
        for (var i = 0; i < stored.Length; i++)
        {
            sum += stored[i] * query[i];
        }

        return sum;
    }
}
