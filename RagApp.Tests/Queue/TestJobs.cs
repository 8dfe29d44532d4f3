using RagApp.Core.Queue;
using StackExchange.Redis;

namespace RagApp.Tests.Queue;

internal static class TestJobs
{
    public static IngestJob Create(string? jobId = null, IReadOnlyDictionary<string, string>? metadata = null, string? documentId = null) => new(
        JobId: jobId ?? Guid.NewGuid().ToString("N"),
        DocumentId: documentId ?? "doc-" + Guid.NewGuid().ToString("N"),
        Title: "A title",
        SourceName: "notes.txt",
        ContentType: "text/plain",
        Metadata: metadata ?? new Dictionary<string, string>(),
        TraceParent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        TraceState: null,
        // The queue stamps the server's time; what is given here is not stored.
        CreatedAt: DateTimeOffset.UnixEpoch);

    public static IngestJob Delete(string documentId, string? jobId = null) => new(
        JobId: jobId ?? Guid.NewGuid().ToString("N"),
        DocumentId: documentId,
        Title: null,
        SourceName: null,
        ContentType: "",
        Metadata: new Dictionary<string, string>(),
        TraceParent: null,
        TraceState: null,
        CreatedAt: DateTimeOffset.UnixEpoch,
        Kind: JobKind.Delete);

    /// <summary>Reproducible pseudo-random bytes, so a payload can be checked without keeping it.</summary>
    public static byte[] Payload(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>The Redis server's clock, which the queue's scripts go by, in unix milliseconds.</summary>
    public static async Task<DateTimeOffset> ServerNowAsync(IConnectionMultiplexer redis)
    {
        var time = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("TIME"))!;
        var microseconds = (long)time[0] * 1_000_000 + (long)time[1];
        return DateTimeOffset.FromUnixTimeMilliseconds(microseconds / 1000);
    }
}
