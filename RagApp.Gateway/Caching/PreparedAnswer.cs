using System.Globalization;
using System.Text;
using System.Text.Json;
using RagApp.Gateway.Apis;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Caching;

/// <summary>
/// A cached answer as the bytes of its JSON response (<c>cached: true</c>), serialised once and kept in the gateway's
/// memory (<see cref="LocalAnswerCache"/>): a hit writes them around its own <c>latency_ms</c>, the only field that
/// differs between two hits, so it spends nothing on mapping and serialising a ~6 KB answer again.
/// </summary>
internal sealed class PreparedAnswer
{
    // Serialised in the latency's place, then cut out: a number no latency in milliseconds comes near.
    // Inside a JSON string the quotes around a name are escaped, so the name, colon and number found together can only
    // be the field itself.
    private const double Placeholder = 987654321.125;
    private const string PlaceholderText = "987654321.125";

    private PreparedAnswer(byte[] json, int latencyAt, int latencyLength, int sources)
    {
        Json = json;
        LatencyAt = latencyAt;
        LatencyLength = latencyLength;
        Sources = sources;
    }

    /// <summary>The response's JSON, with the placeholder latency at <see cref="LatencyAt"/>.</summary>
    public byte[] Json { get; }

    public int LatencyAt { get; }

    public int LatencyLength { get; }

    public int Sources { get; }

    public static PreparedAnswer From(Rpc.QueryResponse response, JsonSerializerOptions options)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(QueryResponse.From(response, TimeSpan.FromMilliseconds(Placeholder)) with { Cached = true }, options);
        var name = options.PropertyNamingPolicy?.ConvertName(nameof(QueryResponse.LatencyMs)) ?? nameof(QueryResponse.LatencyMs);
        var field = Encoding.UTF8.GetBytes($"\"{name}\":{PlaceholderText}");
        var at = json.AsSpan().IndexOf(field);
        if (at < 0)
        {
            throw new InvalidOperationException($"The answer's JSON has no {name} field where the placeholder was serialised.");
        }

        return new PreparedAnswer(json, at + field.Length - PlaceholderText.Length, PlaceholderText.Length, response.Sources.Count);
    }

    /// <summary>Writes a latency as System.Text.Json writes a double (round-trip shortest form); returns its length.</summary>
    public static int FormatLatency(TimeSpan latency, Span<byte> number) =>
        latency.TotalMilliseconds.TryFormat(number, out var written, "R", CultureInfo.InvariantCulture)
            ? written
            : throw new InvalidOperationException("A latency did not fit its buffer.");

    /// <summary>Length of the response with a latency of <paramref name="latencyLength"/> bytes.</summary>
    public int LengthWith(int latencyLength) => Json.Length - LatencyLength + latencyLength;

    /// <summary>The response with <paramref name="latency"/> (from <see cref="FormatLatency"/>) in its place.</summary>
    public void CopyTo(Span<byte> target, ReadOnlySpan<byte> latency)
    {
        Json.AsSpan(0, LatencyAt).CopyTo(target);
        latency.CopyTo(target[LatencyAt..]);
        Json.AsSpan(LatencyAt + LatencyLength).CopyTo(target[(LatencyAt + latency.Length)..]);
    }

    /// <summary>Bytes held, for the local cache's size bound.</summary>
    public long Size => Json.Length + 64;
}
