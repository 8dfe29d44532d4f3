using System.Diagnostics.Metrics;
using RagApp.Gateway.Queries;

namespace RagApp.Gateway.Caching;

/// <summary>
/// The query cache's metrics, on the gateway's meter ("RagApp.Gateway"), each tagged with the endpoint ("query",
/// "stream"): hits and misses (the hit ratio is hits / (hits + misses)), the latency of each, and the questions that
/// bypassed the cache with the reason.
/// </summary>
internal sealed class QueryCacheTelemetry
{
    private readonly Counter<long> _hits;
    private readonly Counter<long> _misses;
    private readonly Counter<long> _bypassed;
    private readonly Counter<long> _stored;
    private readonly Histogram<double> _hitDuration;
    private readonly Histogram<double> _missDuration;

    public QueryCacheTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(QueryTelemetry.Name);
        _hits = meter.CreateCounter<long>("ragapp.gateway.query_cache.hits", "{question}", "Questions answered from the query cache, by endpoint.");
        _misses = meter.CreateCounter<long>("ragapp.gateway.query_cache.misses", "{question}", "Questions looked up in the query cache and not found, by endpoint.");
        _bypassed = meter.CreateCounter<long>("ragapp.gateway.query_cache.bypassed", "{question}",
            "Questions not looked up, by endpoint and reason (disabled, session, token_unknown, redis_unavailable).");
        _stored = meter.CreateCounter<long>("ragapp.gateway.query_cache.stored", "{entry}", "Answers stored in the query cache, by endpoint.");
        _hitDuration = meter.CreateHistogram<double>("ragapp.gateway.query_cache.hit.duration", "s", "Time to answer a question from the query cache, by endpoint.");
        _missDuration = meter.CreateHistogram<double>("ragapp.gateway.query_cache.miss.duration", "s", "Time to answer a question the query cache did not hold, by endpoint.");
    }

    public void RecordHit(bool stream, TimeSpan duration)
    {
        _hits.Add(1, Endpoint(stream));
        _hitDuration.Record(duration.TotalSeconds, Endpoint(stream));
    }

    public void RecordMiss(bool stream) => _misses.Add(1, Endpoint(stream));

    public void RecordMissAnswered(bool stream, TimeSpan duration) => _missDuration.Record(duration.TotalSeconds, Endpoint(stream));

    public void RecordBypass(bool stream, string reason) => _bypassed.Add(1, Endpoint(stream), new KeyValuePair<string, object?>("reason", reason));

    public void RecordStored(bool stream) => _stored.Add(1, Endpoint(stream));

    private static KeyValuePair<string, object?> Endpoint(bool stream) => new("endpoint", stream ? "stream" : "query");
}
