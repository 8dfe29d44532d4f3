using RagApp.Core.Queue;

namespace RagApp.Tests.Queue;

internal static class TestJobs
{
    public static IngestJob Create(TimeProvider clock, string? jobId = null, IReadOnlyDictionary<string, string>? metadata = null) => new(
        JobId: jobId ?? Guid.NewGuid().ToString("N"),
        DocumentId: "doc-" + Guid.NewGuid().ToString("N"),
        Title: "A title",
        SourceName: "notes.txt",
        ContentType: "text/plain",
        Metadata: metadata ?? new Dictionary<string, string>(),
        TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        TraceState: null,
        // Stored with millisecond precision.
        CreatedAt: DateTimeOffset.FromUnixTimeMilliseconds(clock.GetUtcNow().ToUnixTimeMilliseconds()));

    /// <summary>Reproducible pseudo-random bytes, so a payload can be checked without keeping it.</summary>
    public static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
