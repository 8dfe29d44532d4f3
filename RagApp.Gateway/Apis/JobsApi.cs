using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using RagApp.Core.Queue;

namespace RagApp.Gateway.Apis;

/// <summary>Ingest job status (<c>/api/v1/jobs</c>), polled or streamed as server-sent events.</summary>
public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/jobs").WithTags("Jobs");

        api.MapGet("/{id}", GetAsync)
            .WithName("GetJob")
            .WithSummary("The status of an ingest job: queued, processing, succeeded, unchanged or failed.")
            .Produces<JobStatusResponse>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        api.MapGet("/{id}/events", StreamAsync)
            .WithName("StreamJobEvents")
            .WithSummary("Streams the job's status changes as server-sent events until it ends.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return app;
    }

    private static async Task<IResult> GetAsync(string id, IJobStatusStore jobs, CancellationToken cancellationToken)
    {
        var status = await jobs.GetAsync(id, cancellationToken);
        return status is null ? ProblemResults.NotFound("job", id) : TypedResults.Ok(JobStatusResponse.From(status));
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
