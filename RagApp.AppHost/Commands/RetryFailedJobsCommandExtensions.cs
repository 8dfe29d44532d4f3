using System.Globalization;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using RagApp.AppHost.Access;

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
        gateway.WithHttpCommand(
            "/api/v1/jobs/retry-failed",
            "Retry failed jobs",
            endpointName: "http",
            commandName: CommandName,
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Queues every failed (dead-lettered) ingest job again whose payload is still kept.",
                ConfirmationMessage = "Queue every failed ingest job again?",
                IconName = "ArrowRepeatAll",
                PrepareRequest = context => context.AddApiKeyAsync(apiKeys.Resource),
                GetCommandResult = ReadResultAsync,
            });

    private static async Task<ExecuteCommandResult> ReadResultAsync(HttpCommandResultContext context)
    {
        var response = context.Response;
        if (!response.IsSuccessStatusCode)
        {
            return CommandResults.Failure(string.Create(CultureInfo.InvariantCulture,
                $"The gateway answered {(int)response.StatusCode} {response.ReasonPhrase}."));
        }

        await using var body = await response.Content.ReadAsStreamAsync(context.CancellationToken);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: context.CancellationToken);
        var requeued = json.RootElement.GetProperty("requeued").GetInt32();
        var notRetryable = json.RootElement.GetProperty("not_retryable").GetInt32();
        return CommandResults.Success(string.Create(CultureInfo.InvariantCulture,
            $"Queued {requeued} failed job(s) again; {notRetryable} cannot be retried."));
    }
}
