using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RagApp.Gateway.Queries;

/// <summary>
/// The gateway's span per question and its latency histogram, under the service's name ("RagApp.Gateway", exported by
/// the service defaults' "RagApp.*"). The span is the parent of the gRPC call's, so a trace runs from the REST request
/// into RagApp.Rag's retrieval and answer.
/// </summary>
internal sealed class QueryTelemetry
{
    public const string Name = "RagApp.Gateway";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Histogram<double> _duration;

    public QueryTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(Name);
        _duration = meter.CreateHistogram<double>(
            "ragapp.gateway.query.duration", "s",
            "Time to answer one question over REST, by endpoint (query, stream) and outcome (ok, invalid, unavailable, timeout, cancelled, error).");
    }

    public void Record(bool stream, string outcome, TimeSpan duration) => _duration.Record(
        duration.TotalSeconds,
        new KeyValuePair<string, object?>("endpoint", stream ? "stream" : "query"),
        new KeyValuePair<string, object?>("outcome", outcome));
}
