using RagApp.Gateway.Access;
using RagApp.Gateway.RateLimiting;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using RagApp.Core.Queue;
using RagApp.Gateway.Documents;

namespace RagApp.Gateway.Apis;

/// <summary>Ingest job status (<c>/api/v1/jobs</c>), polled or streamed as server-sent events.</summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        // Every job endpoint reads Redis: 503 (with Retry-After) while it cannot be reached.
        var api = app.MapGroup("/api/v1/jobs").WithTags("Jobs")
            .RequireAuthorization(ApiKeyDefaults.Policy)
            .RequireRateLimiting(RateLimitPolicies.Api)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        // Longer ids are no job's: routing answers 404 without asking Redis.
        var id = $"/{{id:maxlength({DocumentIds.MaxLength})}}";

        api.MapGet(id, GetAsync)
            .WithName("GetJob")
            .WithSummary("The status of an ingest job: queued, processing, succeeded, unchanged, superseded or failed.")
            .Produces<JobStatusResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapPost($"{id}/retry", RetryAsync)
            .WithName("RetryJob")
            .WithSummary("Queues a failed (dead-lettered) job again, with its original document version.")
            .Produces<JobStatusResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        api.MapPost("/retry-failed", RetryFailedAsync)
            .WithName("RetryFailedJobs")
            .WithSummary("Queues every retryable failed job again.")
            .Produces<RetryFailedResponse>();

        api.MapGet($"{id}/events", StreamAsync)
            .WithName("StreamJobEvents")
            .WithSummary("Streams the job's status changes as server-sent events until it ends.")
            // Each event ("status") carries a JobStatusResponse as its data.
            .Produces<JobStatusResponse>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound)
            // Open until the job ends, which may take longer than any request should.
            .DisableRequestTimeout();

        return app;
    }

    private static async Task<IResult> GetAsync(string id, IJobStatusStore jobs, CancellationToken cancellationToken)
    {
        var status = await jobs.GetAsync(id, cancellationToken);
        return status is null ? ProblemResults.NotFound("job", id) : TypedResults.Ok(JobStatusResponse.From(status));
    }

    private static async Task<IResult> RetryAsync(string id, IIngestQueue queue, IJobStatusStore jobs, CancellationToken cancellationToken)
    {
        var outcome = await queue.RetryAsync(id, cancellationToken);
        if (outcome == RetryOutcome.NotFound)
        {
            return ProblemResults.NotFound("job", id);
        }

        var status = await jobs.GetAsync(id, cancellationToken);
        return outcome switch
        {
            RetryOutcome.Requeued when status is not null => TypedResults.Accepted($"/api/v1/jobs/{id}", JobStatusResponse.From(status)),
            RetryOutcome.NotFailed => TypedResults.Problem(
                detail: $"Job '{id}' is {status?.State.ToString().ToLowerInvariant() ?? "gone"}; only failed jobs can be retried.",
                statusCode: StatusCodes.Status409Conflict,
                title: "The job has not failed."),
            _ => TypedResults.Problem(
                detail: status?.Error is { } error
                    ? $"Job '{id}' cannot run again: its document was rejected ({error}) or its payload was released. Upload the document again."
                    : $"Job '{id}' cannot run again; upload the document again.",
                statusCode: StatusCodes.Status409Conflict,
                title: "The job cannot be retried."),
        };
    }

    private static async Task<RetryFailedResponse> RetryFailedAsync(IIngestQueue queue, CancellationToken cancellationToken)
    {
        var result = await queue.RetryFailedAsync(cancellationToken);
        return new RetryFailedResponse(result.Requeued, result.NotRetryable);
    }

    private static async Task<IResult> StreamAsync(string id, IJobStatusStore jobs, CancellationToken cancellationToken)
    {
        // Answer 404 up front rather than open a stream that would end at once.
        if (await jobs.GetAsync(id, cancellationToken) is null)
        {
            return ProblemResults.NotFound("job", id);
        }

        return TypedResults.ServerSentEvents(ToEvents(jobs.WatchAsync(id, cancellationToken), cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<JobStatusResponse>> ToEvents(
        IAsyncEnumerable<JobStatus> changes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var status in changes.WithCancellation(cancellationToken))
        {
            yield return new SseItem<JobStatusResponse>(JobStatusResponse.From(status), "status");
        }
    }
}
