using System.Globalization;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using RagApp.AppHost.Access;

namespace RagApp.AppHost.Commands;

/// <summary>The gateway's "Flush query cache" dashboard command.</summary>
public static class FlushQueryCacheCommandExtensions
{
    public const string CommandName = "flush-query-cache";

    /// <summary>
    /// Adds a dashboard command that deletes every cached answer through the gateway's own <c>POST /api/v1/cache/flush</c>
    /// (which deletes only the cache's keys, found by SCAN in batches; the queue and jobs in the same Redis stay), and
    /// reports how many keys went.
    /// </summary>
    /// <param name="apiKeys">The gateway's keys: the command calls the API as a client does, with the first of them.</param>
    public static IResourceBuilder<ProjectResource> WithFlushQueryCacheCommand(this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> apiKeys) =>
        gateway.WithHttpCommand(
            "/api/v1/cache/flush",
            "Flush query cache",
            endpointName: "http",
            commandName: CommandName,
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = "Deletes every cached answer; questions are answered afresh by RagApp.Rag until cached again.",
                ConfirmationMessage = "Delete every cached answer?",
                IconName = "Delete",
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
        var deleted = json.RootElement.GetProperty("deleted_keys").GetInt64();
        return CommandResults.Success(string.Create(CultureInfo.InvariantCulture, $"Query cache flushed: {deleted} key(s) deleted."));
    }
}
