using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using RagApp.Gateway.Apis;
using RagApp.Gateway.Caching;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Queries;

/// <summary>
/// Answers a question through RagApp.Rag, whole or streamed. The client's <c>RequestAborted</c> token goes with the gRPC
/// call, so a client that leaves cancels RagApp.Rag's work; <see cref="QueryOptions.Timeout"/> goes as the call's
/// deadline. Failures before a stream has started answer with their status (<see cref="RagProblems.ForQuery"/>); after
/// it, the 200 is already sent, so they end the stream with an <c>error</c> event carrying the same problem.
/// </summary>
internal sealed partial class QueryHandler(
    QueryRequestReader reader,
    QueryTelemetry telemetry,
    QueryCache cache,
    IOptions<QueryOptions> options,
    TimeProvider timeProvider,
    ILogger<QueryHandler> logger)
{
    public const string SourcesEvent = "sources";
    public const string DeltaEvent = "delta";
    public const string CompletedEvent = "completed";
    public const string ErrorEvent = "error";

    public async Task<IResult> QueryAsync(HttpContext context, Rpc.RagService.RagServiceClient rag)
    {
        var started = timeProvider.GetTimestamp();
        var deadline = Deadline();
        var cancellationToken = context.RequestAborted;
        using var activity = QueryTelemetry.ActivitySource.StartActivity("gateway query");
        var read = await reader.ReadAsync(context.Request, cancellationToken);
        if (read.Request is null)
        {
            Finish(activity, stream: false, QueryOutcomes.Invalid, started);
            return read.Problem!;
        }

        Tag(activity, read.Request);
        var lookup = await cache.LookupAsync(read.Request, stream: false, cancellationToken);
        if (lookup.Answer is { } hit)
        {
            return AnswerFromCache(hit, activity, started);
        }

        try
        {
            var response = await rag.QueryAsync(read.Request, deadline: deadline, cancellationToken: cancellationToken);
            var latency = Finish(activity, stream: false, QueryOutcomes.Ok, started);
            activity?.SetTag("ragapp.query.sources", response.Sources.Count);
            LogAnswered(false, response.Sources.Count, response.Answerer, latency.TotalMilliseconds);
            cache.RecordAnswered(lookup, stream: false, latency);
            await cache.StoreAnswerAsync(lookup, response);
            return TypedResults.Ok(QueryResponse.From(response, latency));
        }
        catch (RpcException exception) when (cancellationToken.IsCancellationRequested)
        {
            // The client left: nobody reads an answer, and RagApp.Rag was cancelled with the call.
            Finish(activity, stream: false, QueryOutcomes.Cancelled, started);
            LogCancelled(false, exception.StatusCode);
            return Results.Empty;
        }
        catch (RpcException exception)
        {
            var problem = Fail(activity, stream: false, exception, started);
            return RagProblems.ToResult(problem);
        }
    }

    public async Task<IResult> StreamAsync(HttpContext context, Rpc.RagService.RagServiceClient rag)
    {
        var started = timeProvider.GetTimestamp();
        var deadline = Deadline();
        var cancellationToken = context.RequestAborted;
        // Ends with the stream (or with the request, whichever comes first), not with this method.
        var activity = QueryTelemetry.ActivitySource.StartActivity("gateway query_stream");
        if (activity is not null)
        {
            context.Response.RegisterForDispose(activity);
        }

        var read = await reader.ReadAsync(context.Request, cancellationToken);
        if (read.Request is null)
        {
            Finish(activity, stream: true, QueryOutcomes.Invalid, started);
            return read.Problem!;
        }

        Tag(activity, read.Request);
        var lookup = await cache.LookupAsync(read.Request, stream: true, cancellationToken);
        if (lookup.Events is { } events)
        {
            return TypedResults.ServerSentEvents(ReplayAsync(events, activity, started, cancellationToken));
        }

        var call = rag.QueryStream(read.Request, deadline: deadline, cancellationToken: cancellationToken);
        context.Response.RegisterForDispose(call);
        try
        {
            // The sources come before the 200: a refusal or an unreachable RagApp.Rag still gets its own status.
            if (!await call.ResponseStream.MoveNext(cancellationToken))
            {
                throw new RpcException(new Status(StatusCode.Internal, "The stream ended before its sources."));
            }

            if (call.ResponseStream.Current.EventCase != Rpc.QueryStreamEvent.EventOneofCase.Sources)
            {
                throw new RpcException(new Status(StatusCode.Internal, $"The stream began with {call.ResponseStream.Current.EventCase}, not sources."));
            }
        }
        catch (RpcException exception) when (cancellationToken.IsCancellationRequested)
        {
            Finish(activity, stream: true, QueryOutcomes.Cancelled, started);
            LogCancelled(true, exception.StatusCode);
            return Results.Empty;
        }
        catch (RpcException exception)
        {
            return RagProblems.ToResult(Fail(activity, stream: true, exception, started));
        }

        return TypedResults.ServerSentEvents(EventsAsync(call, call.ResponseStream.Current.Sources, activity, started, lookup, cancellationToken));
    }

    private async IAsyncEnumerable<SseItem<object>> EventsAsync(
        AsyncServerStreamingCall<Rpc.QueryStreamEvent> call,
        Rpc.QuerySources sources,
        Activity? activity,
        long started,
        QueryCacheLookup lookup,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Unless the stream completes or fails, it was abandoned: the client went away while it was being written.
        var outcome = QueryOutcomes.Cancelled;
        // The events as RagApp.Rag sent them, for the cache: stored only once the stream has completed.
        var recorded = lookup.Key is null ? null : new List<Rpc.QueryStreamEvent> { new() { Sources = sources } };
        try
        {
            activity?.SetTag("ragapp.query.sources", sources.Sources.Count);
            yield return new SseItem<object>(new QueryStreamSources([.. sources.Sources.Select(QuerySource.From)]), SourcesEvent);
            ProblemDetails? failure = null;
            while (true)
            {
                Rpc.QueryStreamEvent next;
                try
                {
                    if (!await call.ResponseStream.MoveNext(cancellationToken))
                    {
                        failure = Fail(activity, stream: true, new RpcException(new Status(StatusCode.Internal, "The stream ended before its completion.")), started);
                        outcome = OutcomeOf(failure);
                        break;
                    }

                    next = call.ResponseStream.Current;
                }
                catch (RpcException exception) when (cancellationToken.IsCancellationRequested)
                {
                    LogCancelled(true, exception.StatusCode);
                    yield break;
                }
                catch (RpcException exception)
                {
                    failure = Fail(activity, stream: true, exception, started);
                    outcome = OutcomeOf(failure);
                    break;
                }

                switch (next.EventCase)
                {
                    case Rpc.QueryStreamEvent.EventOneofCase.Delta:
                        recorded?.Add(next);
                        yield return new SseItem<object>(new QueryStreamDelta(next.Delta.Text), DeltaEvent);
                        break;
                    case Rpc.QueryStreamEvent.EventOneofCase.Completed:
                        var latency = Finish(activity, stream: true, QueryOutcomes.Ok, started);
                        outcome = QueryOutcomes.Ok;
                        LogAnswered(true, sources.Sources.Count, next.Completed.Answerer, latency.TotalMilliseconds);
                        cache.RecordAnswered(lookup, stream: true, latency);
                        if (recorded is not null)
                        {
                            recorded.Add(next);
                            await cache.StoreStreamAsync(lookup, recorded, next.Completed.IndexGeneration);
                        }

                        yield return new SseItem<object>(QueryStreamCompleted.From(next.Completed, latency), CompletedEvent);
                        yield break;
                    default:
                        // A later version of RagApp.Rag may send events this gateway does not know; they are not the client's.
                        break;
                }
            }

            yield return new SseItem<object>(failure!, ErrorEvent);
        }
        finally
        {
            if (outcome == QueryOutcomes.Cancelled)
            {
                Finish(activity, stream: true, QueryOutcomes.Cancelled, started);
            }

            call.Dispose();
            activity?.Dispose();
        }
    }

    private DateTime Deadline() => timeProvider.GetUtcNow().UtcDateTime + options.Value.Timeout;

    private static void Tag(Activity? activity, Rpc.QueryRequest request)
    {
        activity?.SetTag("ragapp.query.max_results", request.MaxResults);
        activity?.SetTag("ragapp.query.filtered", request.Filter is not null);
    }

    private ProblemDetails Fail(Activity? activity, bool stream, RpcException exception, long started)
    {
        var problem = RagProblems.ForQuery(exception);
        var outcome = OutcomeOf(problem);
        Finish(activity, stream, outcome, started);
        if (outcome == QueryOutcomes.Invalid)
        {
            LogRefused(stream, exception.StatusCode, problem.Status ?? 0, exception.Status.Detail);
        }
        else
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.StatusCode.ToString());
            LogRagFailed(stream, exception.StatusCode, problem.Status ?? 0, exception.Status.Detail);
        }

        return problem;
    }

    private TimeSpan Finish(Activity? activity, bool stream, string outcome, long started)
    {
        var elapsed = timeProvider.GetElapsedTime(started);
        activity?.SetTag("ragapp.query.outcome", outcome);
        telemetry.Record(stream, outcome, elapsed);
        return elapsed;
    }

    private static string OutcomeOf(ProblemDetails problem) => problem.Status switch
    {
        StatusCodes.Status400BadRequest or StatusCodes.Status409Conflict => QueryOutcomes.Invalid,
        StatusCodes.Status503ServiceUnavailable => QueryOutcomes.Unavailable,
        StatusCodes.Status504GatewayTimeout => QueryOutcomes.Timeout,
        _ => QueryOutcomes.Error,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Question answered (stream: {Stream}): {Sources} sources by the {Answerer} answerer in {LatencyMs:F0} ms")]
    private partial void LogAnswered(bool stream, int sources, string answerer, double latencyMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Question refused by RagApp.Rag (stream: {Stream}): {StatusCode}, answered {HttpStatus}: {Detail}")]
    private partial void LogRefused(bool stream, StatusCode statusCode, int httpStatus, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RagApp.Rag failed a question (stream: {Stream}): {StatusCode}, answered {HttpStatus}: {Detail}")]
    private partial void LogRagFailed(bool stream, StatusCode statusCode, int httpStatus, string detail);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Question cancelled by the client (stream: {Stream}); the RagApp.Rag call ended {StatusCode}")]
    private partial void LogCancelled(bool stream, StatusCode statusCode);
}
