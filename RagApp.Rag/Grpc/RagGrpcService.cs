using System.Diagnostics;
using Grpc.Core;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Answers;
using RagApp.Rag.Retrieval;

namespace RagApp.Rag.Grpc;

/// <summary>
/// The question-answering half of the RAG API: validates the question, retrieves passages (hybrid search over the
/// index) and composes an answer from them with the configured answerer, citing the sources by number. Refusals map to status codes: a malformed request is
/// InvalidArgument naming the field, an index built with another embedding model FailedPrecondition.
/// </summary>
internal sealed partial class RagGrpcService(
    PassageRetriever retriever,
    IAnswerer answerer,
    QueryTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<RagGrpcService> logger) : RagService.RagServiceBase
{
    public override async Task<QueryResponse> Query(QueryRequest request, ServerCallContext context)
    {
        using var activity = QueryTelemetry.ActivitySource.StartActivity("rag query");
        var started = timeProvider.GetTimestamp();
        var (query, result) = await RetrieveAsync(request, activity, started, context.CancellationToken);
        var answer = await answerer.AnswerAsync(new AnswerRequest(query.Question, result.QuestionVector, AnswerPassages.From(result)), context.CancellationToken);
        var latency = timeProvider.GetElapsedTime(started);
        var response = new QueryResponse
        {
            Answer = answer.Text,
            Answerer = answer.Answerer,
            AnswerModel = answer.Model,
            Route = answer.Route,
            Fallback = answer.FellBack,
            Abstained = answer.Abstained,
            RetrievalQuestion = query.Question,
            Confidence = answer.Confidence,
            IndexGeneration = result.IndexGeneration,
            Model = result.Model,
            RetrievalMs = result.Elapsed.TotalMilliseconds,
            LatencyMs = latency.TotalMilliseconds,
        };
        response.Sources.AddRange(result.Passages.Select(SourceMapper.ToSource));
        response.Citations.AddRange(answer.CitedPassages);
        Complete(activity, result, latency);
        return response;
    }

    public override async Task QueryStream(QueryRequest request, IServerStreamWriter<QueryStreamEvent> responseStream, ServerCallContext context)
    {
        using var activity = QueryTelemetry.ActivitySource.StartActivity("rag query_stream");
        var started = timeProvider.GetTimestamp();
        var cancellationToken = context.CancellationToken;
        var (query, result) = await RetrieveAsync(request, activity, started, cancellationToken);
        var sources = new QuerySources();
        sources.Sources.AddRange(result.Passages.Select(SourceMapper.ToSource));
        await responseStream.WriteAsync(new QueryStreamEvent { Sources = sources }, cancellationToken);
        ComposedAnswer? answer = null;
        await foreach (var update in answerer.StreamAsync(new AnswerRequest(query.Question, result.QuestionVector, AnswerPassages.From(result)), cancellationToken))
        {
            if (update.Done is { } done)
            {
                answer = done;
            }
            else if (update.Delta.Length > 0)
            {
                await responseStream.WriteAsync(new QueryStreamEvent { Delta = new AnswerDelta { Text = update.Delta } }, cancellationToken);
            }
        }

        if (answer is null)
        {
            throw new InvalidOperationException($"The {answerer.Name} answerer's stream ended without a composed answer.");
        }

        var latency = timeProvider.GetElapsedTime(started);
        var completed = new QueryCompleted
        {
            Answer = answer.Text,
            Answerer = answer.Answerer,
            AnswerModel = answer.Model,
            Route = answer.Route,
            Fallback = answer.FellBack,
            Abstained = answer.Abstained,
            RetrievalQuestion = query.Question,
            Confidence = answer.Confidence,
            IndexGeneration = result.IndexGeneration,
            Model = result.Model,
            RetrievalMs = result.Elapsed.TotalMilliseconds,
            LatencyMs = latency.TotalMilliseconds,
        };
        completed.Citations.AddRange(answer.CitedPassages);
        await responseStream.WriteAsync(new QueryStreamEvent { Completed = completed }, cancellationToken);
        Complete(activity, result, latency);
    }

    /// <summary>Validates and retrieves; a refusal is recorded and thrown as the status the caller can act on.</summary>
    private async Task<(RetrievalQuery Query, RetrievalResult Result)> RetrieveAsync(QueryRequest request, Activity? activity, long started, CancellationToken cancellationToken)
    {
        try
        {
            var query = QueryRequestValidator.Validate(request);
            activity?.SetTag("ragapp.query.max_results", query.MaxResults);
            activity?.SetTag("ragapp.query.filtered", query.Filter is not null);
            return (query, await retriever.RetrieveAsync(query, cancellationToken));
        }
        catch (Exception exception) when (Refusal(exception) is { } refusal)
        {
            activity?.SetStatus(ActivityStatusCode.Error, refusal.Status.Detail);
            telemetry.RecordQuery(refusal.Outcome, timeProvider.GetElapsedTime(started), 0);
            LogQueryRefused(refusal.Status.StatusCode, refusal.Status.Detail);
            throw new RpcException(refusal.Status);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            telemetry.RecordQuery(QueryOutcomes.Cancelled, timeProvider.GetElapsedTime(started), 0);
            throw;
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            telemetry.RecordQuery(QueryOutcomes.Error, timeProvider.GetElapsedTime(started), 0);
            LogQueryFailed(exception);
            throw;
        }
    }

    private void Complete(Activity? activity, RetrievalResult result, TimeSpan latency)
    {
        activity?.SetTag("ragapp.query.results", result.Passages.Count);
        activity?.SetTag("ragapp.index.generation", result.IndexGeneration);
        activity?.SetTag("ragapp.query.confidence", result.TopScore);
        telemetry.RecordQuery(QueryOutcomes.Ok, latency, result.Passages.Count);
        LogQueryAnswered(result.Passages.Count, result.TopScore, result.IndexGeneration, result.Elapsed.TotalMilliseconds, latency.TotalMilliseconds);
    }

    private static (Status Status, string Outcome)? Refusal(Exception exception) => exception switch
    {
        InvalidQueryException => (new Status(StatusCode.InvalidArgument, exception.Message), QueryOutcomes.Invalid),
        QuestionModelMismatchException => (new Status(StatusCode.FailedPrecondition, exception.Message), QueryOutcomes.FailedPrecondition),
        _ => null,
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Query answered: {Sources} sources, confidence {Confidence:F3}, generation {Generation}, retrieval {RetrievalMs:F0} ms, total {LatencyMs:F0} ms")]
    private partial void LogQueryAnswered(int sources, double confidence, long generation, double retrievalMs, double latencyMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Query refused ({StatusCode}): {Detail}")]
    private partial void LogQueryRefused(StatusCode statusCode, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Query failed")]
    private partial void LogQueryFailed(Exception exception);
}
