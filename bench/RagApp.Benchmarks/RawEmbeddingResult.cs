using System.Globalization;

namespace RagApp.Benchmarks;

internal sealed record RawEmbeddingResult(int Chunks, TimeSpan Elapsed)
{
    public double ChunksPerSecond => Chunks / Elapsed.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"Raw model: {Chunks} chunks in {Elapsed.TotalSeconds:F1} s = {ChunksPerSecond:F1} chunks/s");
}
