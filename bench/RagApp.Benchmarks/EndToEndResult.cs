using System.Globalization;

namespace RagApp.Benchmarks;

internal sealed record EndToEndResult(int Documents, int Succeeded, int Chunks, TimeSpan Elapsed, long? WorkerPeakBytes, string CpuByProcess)
{
    public double ChunksPerSecond => Chunks / Elapsed.TotalSeconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"End to end: {Succeeded}/{Documents} documents, {Chunks} chunks in {Elapsed.TotalSeconds:F1} s = {ChunksPerSecond:F1} chunks/s; worker peak RSS {(WorkerPeakBytes ?? 0) / 1024.0 / 1024.0:F0} MiB\nCPU during the run: {CpuByProcess}");
}
