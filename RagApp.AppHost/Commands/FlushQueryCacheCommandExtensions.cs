using System.Globalization;
using Aspire.Hosting.ApplicationModel;

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
        gateway.WithGatewayPostCommand(
            apiKeys,
            "/api/v1/cache/flush",
            "Flush query cache",
            CommandName,
            "Deletes every cached answer; questions are answered afresh by RagApp.Rag until cached again.",
            "Delete every cached answer?",
            "Delete",
            answer => string.Create(CultureInfo.InvariantCulture, $"Query cache flushed: {answer.GetProperty("deleted_keys").GetInt64()} key(s) deleted."));
}
