using System.Diagnostics;
using Grpc.Core;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Answers;
using RagApp.Rag.Retrieval;
using RagApp.Rag.Sessions;

namespace RagApp.Rag.Grpc;

/// <summary>
/// The question-answering half of the RAG API: validates the question, loads the session's earlier turns when it names
/// one and rewrites a follow-up for retrieval, retrieves passages (hybrid search over the index), composes an answer
/// from them with the configured answerer (given the question as asked and the history), citing the sources by
/// number, and appends the turn to the session. Refusals map to status codes: a malformed request is InvalidArgument
/// naming the field, an index built with another embedding model FailedPrecondition. The call's cancellation (the
/// client cancelling or going away) cancels every step.
/// </summary>
internal sealed partial class RagGrpcService(
    PassageRetriever retriever,
    IAnswerer answerer,
    ISessionStore sessions,
    IFollowUpRewriter rewriter,
    QueryTelemetry telemetry,
    TimeProvider timeProvider,
    ILogger<RagGrpcService> logger) : RagService.RagServiceBase
{
    public override async Task<QueryResponse> Query(QueryRequest request, ServerCallContext context)
    {
        using var activity = QueryTelemetry.ActivitySource.StartActivity("rag query");
        var started = timeProvider.GetTimestamp();
        var cancellationToken = context.CancellationToken;
        return await RecordAsync(activity, started, async () =>
        {
            var prepared = await PrepareAsync(request, activity, cancellationToken);
            var result = prepared.Result;
            var answer = await answerer.AnswerAsync(prepared.ToAnswerRequest(), cancellationToken);
            await RememberAsync(prepared, answer, cancellationToken);
            var latency = timeProvider.GetElapsedTime(started);
            var response = new QueryResponse
            {
                Answer = answer.Text,
                Answerer = answer.Answerer,
                AnswerModel = answer.Model,
                Route = answer.Route,
                Fallback = answer.FellBack,
                Abstained = answer.Abstained,
                RetrievalQuestion = prepared.RetrievalQuestion,
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
        }, cancellationToken);
    }

    public override async Task QueryStream(QueryRequest request, IServerStreamWriter<QueryStreamEvent> responseStream, ServerCallContext context)
    {
        using var activity = QueryTelemetry.ActivitySource.StartActivity("rag query_stream");
        var started = timeProvider.GetTimestamp();
        var cancellationToken = context.CancellationToken;
        await RecordAsync(activity, started, async () =>
        {
            var prepared = await PrepareAsync(request, activity, cancellationToken);
            var result = prepared.Result;
            var sources = new QuerySources();
            sources.Sources.AddRange(result.Passages.Select(SourceMapper.ToSource));
            await responseStream.WriteAsync(new QueryStreamEvent { Sources = sources }, cancellationToken);
            ComposedAnswer? answer = null;
            await foreach (var update in answerer.StreamAsync(prepared.ToAnswerRequest(), cancellationToken))
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

            // Kept before the completion is sent: a client that asks its follow-up as soon as it reads the completion
            // finds this turn in the session.
            await RememberAsync(prepared, answer, cancellationToken);
            var latency = timeProvider.GetElapsedTime(started);
            var completed = new QueryCompleted
            {
                Answer = answer.Text,
                Answerer = answer.Answerer,
                AnswerModel = answer.Model,
                Route = answer.Route,
                Fallback = answer.FellBack,
                Abstained = answer.Abstained,
                RetrievalQuestion = prepared.RetrievalQuestion,
                Confidence = answer.Confidence,
                IndexGeneration = result.IndexGeneration,
                Model = result.Model,
                RetrievalMs = result.Elapsed.TotalMilliseconds,
                LatencyMs = latency.TotalMilliseconds,
            };
            completed.Citations.AddRange(answer.CitedPassages);
            await responseStream.WriteAsync(new QueryStreamEvent { Completed = completed }, cancellationToken);
            Complete(activity, result, latency);
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Runs one query and records its outcome whatever the step that ends it: a refusal is thrown as the status the
    /// caller can act on, the call's cancellation is "cancelled", anything else "error".
    /// </summary>
    private async Task<T> RecordAsync<T>(Activity? activity, long started, Func<Task<T>> query, CancellationToken cancellationToken)
    {
        try
        {
            return await query();
        }
        catch (Exception exception) when (Refusal(exception) is { } refusal)
        {
            activity?.SetStatus(ActivityStatusCode.Error, refusal.Status.Detail);
            telemetry.RecordQuery(refusal.Outcome, timeProvider.GetElapsedTime(started), 0);
            LogQueryRefused(refusal.Status.StatusCode, refusal.Status.Detail);
            throw new RpcException(refusal.Status);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever a step threw once the call was cancelled (the cancellation itself, or a write to a stream the
            // client has reset), the client gave up: not a failure of the service.
            activity?.SetStatus(ActivityStatusCode.Error, "cancelled");
            telemetry.RecordQuery(QueryOutcomes.Cancelled, timeProvider.GetElapsedTime(started), 0);
            LogQueryCancelled();
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

    /// <summary>Validates, loads the session's history, rewrites a follow-up for retrieval, and retrieves.</summary>
    private async Task<PreparedQuery> PrepareAsync(QueryRequest request, Activity? activity, CancellationToken cancellationToken)
    {
        var query = QueryRequestValidator.Validate(request);
        activity?.SetTag("ragapp.query.max_results", query.MaxResults);
        activity?.SetTag("ragapp.query.filtered", query.Filter is not null);
        // The validator accepted it as a UUID or empty.
        Guid? sessionId = request.SessionId.Length > 0 ? Guid.Parse(request.SessionId) : null;
        IReadOnlyList<ConversationTurn> history = [];
        var retrievalQuestion = query.Question;
        if (sessionId is { } id)
        {
            history = await sessions.LoadAsync(id, cancellationToken);
            activity?.SetTag("ragapp.session.turns", history.Count);
            if (history.Count > 0)
            {
                retrievalQuestion = await RewriteAsync(query.Question, history, cancellationToken);
            }
        }

        var rewritten = !string.Equals(retrievalQuestion, query.Question, StringComparison.Ordinal);
        activity?.SetTag("ragapp.query.rewritten", rewritten);
        var result = await retriever.RetrieveAsync(rewritten ? query with { Question = retrievalQuestion } : query, cancellationToken);
        return new PreparedQuery(query.Question, retrievalQuestion, sessionId, history, result);
    }

    /// <summary>A rewriter that fails (a chat model that is down) leaves the question as asked: the follow-up loses its context, not its answer.</summary>
    private async Task<string> RewriteAsync(string question, IReadOnlyList<ConversationTurn> history, CancellationToken cancellationToken)
    {
        try
        {
            var rewritten = await rewriter.RewriteAsync(question, history, cancellationToken);
            return string.IsNullOrWhiteSpace(rewritten) ? question : rewritten.Trim();
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogRewriteFailed(exception);
            return question;
        }
    }

    private async Task RememberAsync(PreparedQuery prepared, ComposedAnswer answer, CancellationToken cancellationToken)
    {
        if (prepared.SessionId is { } id)
        {
            await sessions.AppendAsync(id, new ConversationTurn(prepared.Question, prepared.RetrievalQuestion, answer.Text), cancellationToken);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Query cancelled by the caller")]
    private partial void LogQueryCancelled();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The follow-up could not be rewritten; retrieval uses the question as asked")]
    private partial void LogRewriteFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Query failed")]
    private partial void LogQueryFailed(Exception exception);

    /// <summary>A validated, retrieved question: as asked, as retrieval ran it, and the session it belongs to.</summary>
    private sealed record PreparedQuery(
        string Question, string RetrievalQuestion, Guid? SessionId, IReadOnlyList<ConversationTurn> History, RetrievalResult Result)
    {
        /// <summary>
        /// The answerer gets the question as asked and the history; the retrieval question's embedding only when it is
        /// that question's (the answerer embeds the question itself if it needs a vector for a rewritten one).
        /// </summary>
        public AnswerRequest ToAnswerRequest() => new(
            Question,
            string.Equals(Question, RetrievalQuestion, StringComparison.Ordinal) ? Result.QuestionVector : ReadOnlyMemory<float>.Empty,
            AnswerPassages.From(Result),
            History);
    }
}
