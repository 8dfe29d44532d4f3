using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace RagApp.AppHost.Commands;

/// <summary>The gateway's "Retry failed jobs" dashboard command.</summary>
public static class RetryFailedJobsCommandExtensions
{
    public const string CommandName = "retry-failed-jobs";

    /// <summary>
    /// Adds a dashboard command that queues every retryable dead-lettered job again, through the gateway's own
    /// <c>POST /api/v1/jobs/retry-failed</c> (so the gateway's rules apply: payloads past their retention are not
    /// retryable), and reports how many were queued.
    /// </summary>
    /// <param name="apiKeys">The gateway's keys: the command calls the API as a client does, with the first of them.</param>
    public static IResourceBuilder<ProjectResource> WithRetryFailedJobsCommand(this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> apiKeys) =>
        gateway.WithGatewayPostCommand(
            apiKeys,
            "/api/v1/jobs/retry-failed",
            "Retry failed jobs",
            CommandName,
            "Queues every failed (dead-lettered) ingest job again whose payload is still kept.",
            "Queue every failed ingest job again?",
            "ArrowRepeatAll",
            answer => string.Create(CultureInfo.InvariantCulture,
                $"Queued {answer.GetProperty("requeued").GetInt32()} failed job(s) again; {answer.GetProperty("not_retryable").GetInt32()} cannot be retried."));
}
