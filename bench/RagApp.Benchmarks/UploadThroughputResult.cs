namespace RagApp.Benchmarks;

internal sealed record UploadThroughputResult(string Redis, bool Durable, double UploadsPerSecond, int NotAccepted, double MedianMilliseconds, double P99Milliseconds)
{
    public override string ToString() => FormattableString.Invariant(
        $"| {Redis} | {(Durable ? "on" : "off")} | {UploadsPerSecond:F0} | {MedianMilliseconds:F1} | {P99Milliseconds:F1} | {NotAccepted} |");
}
