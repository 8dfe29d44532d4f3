using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using RagApp.Gateway.Apis;
using RagApp.Gateway.Caching;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Queries;

/// <summary>Answers from the query cache: the stored answer, or the stored stream replayed event by event.</summary>
internal sealed partial class QueryHandler
{
    /// <summary>
    /// A hit found before routing (<see cref="CachedQueryMiddleware"/>): its span, tags, metrics and log line as
    /// <see cref="QueryAsync"/> gives a hit, the span starting at <paramref name="startedAt"/> (the request's arrival at
    /// the fast path), tagged <c>ragapp.query.fast_path</c>.
    /// </summary>
    public Task AnswerHeldAsync(HttpContext context, Rpc.QueryRequest request, PreparedAnswer hit, long started, DateTimeOffset startedAt)
    {
        PreparedAnswerResult result;
        using (var activity = QueryTelemetry.ActivitySource.StartActivity("gateway query", ActivityKind.Internal, parentContext: default, startTime: startedAt))
        {
            activity?.SetTag("ragapp.query.fast_path", true);
            Tag(activity, request);
            result = AnswerFromCache(hit, activity, started);
        }

        return result.ExecuteAsync(context);
    }

    private PreparedAnswerResult AnswerFromCache(PreparedAnswer hit, Activity? activity, long started)
    {
        activity?.SetTag("ragapp.query.cached", true);
        activity?.SetTag("ragapp.query.sources", hit.Sources);
        var latency = Finish(activity, stream: false, QueryOutcomes.Ok, started);
        cache.RecordHit(stream: false, latency);
        LogAnsweredFromCache(false, hit.Sources, latency.TotalMilliseconds);
        return new PreparedAnswerResult(hit, latency);
    }

    /// <summary>The stored events in their order; the completion carries this answer's own latency and <c>cached</c>.</summary>
    private async IAsyncEnumerable<SseItem<object>> ReplayAsync(
        IReadOnlyList<Rpc.QueryStreamEvent> events,
        Activity? activity,
        long started,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        activity?.SetTag("ragapp.query.cached", true);
        var completed = false;
        try
        {
            foreach (var next in events)
            {
                cancellationToken.ThrowIfCancellationRequested();
                switch (next.EventCase)
                {
                    case Rpc.QueryStreamEvent.EventOneofCase.Sources:
                        activity?.SetTag("ragapp.query.sources", next.Sources.Sources.Count);
                        yield return new SseItem<object>(new QueryStreamSources([.. next.Sources.Sources.Select(QuerySource.From)]), SourcesEvent);
                        break;
                    case Rpc.QueryStreamEvent.EventOneofCase.Delta:
                        yield return new SseItem<object>(new QueryStreamDelta(next.Delta.Text), DeltaEvent);
                        break;
                    case Rpc.QueryStreamEvent.EventOneofCase.Completed:
                        var latency = Finish(activity, stream: true, QueryOutcomes.Ok, started);
                        completed = true;
                        cache.RecordHit(stream: true, latency);
                        LogAnsweredFromCache(true, events[0].Sources.Sources.Count, latency.TotalMilliseconds);
                        yield return new SseItem<object>(QueryStreamCompleted.From(next.Completed, latency) with { Cached = true }, CompletedEvent);
                        break;
                    default:
                        break;
                }

                // Between events the request thread is given back, as between the events of a live stream.
                await Task.Yield();
            }
        }
        finally
        {
            if (!completed)
            {
                Finish(activity, stream: true, QueryOutcomes.Cancelled, started);
            }

            activity?.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Question answered from the cache (stream: {Stream}): {Sources} sources in {LatencyMs:F0} ms")]
    private partial void LogAnsweredFromCache(bool stream, int sources, double latencyMs);
}
