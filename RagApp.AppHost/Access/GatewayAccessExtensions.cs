using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RagApp.AppHost.Access;

/// <summary>
/// Who may call the gateway and how often: the secret parameter <c>api-keys</c> (comma-separated, so that a key can be
/// rotated: add the new one, move the clients, drop the old one) and <c>rate-limit-per-minute</c>, handed to the
/// gateway as <c>Gateway:Access:ApiKeys</c> and <c>Gateway:RateLimits:PermitsPerMinute</c> (docs/configuration.md).
/// </summary>
public static class GatewayAccessExtensions
{
    public const string ApiKeysParameter = "api-keys";
    public const string RateLimitParameter = "rate-limit-per-minute";
    public const int DefaultRequestsPerMinute = 100;

    /// <summary>
    /// In run mode an unset <c>api-keys</c> is empty, so the application starts with an open API (and the AppHost says
    /// so); when publishing it has no default, so a deployment cannot go out without keys.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddApiKeys(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configured = builder.Configuration[$"Parameters:{ApiKeysParameter}"];
        var keys = builder.ExecutionContext.IsRunMode
            ? builder.AddParameter(ApiKeysParameter, () => configured ?? "", secret: true)
            : builder.AddParameter(ApiKeysParameter, secret: true);
        keys.WithDescription("API keys of the gateway, comma-separated (`X-Api-Key: <key>` or `Authorization: Bearer <key>`). Empty: the API is open (run mode only).", enableMarkdown: true);
        if (builder.ExecutionContext.IsRunMode && string.IsNullOrWhiteSpace(configured))
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
            {
                var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("RagApp.AppHost");
#pragma warning disable CA1848 // Logged once at start-up.
                logger.LogWarning("No API keys are set (Parameters:api-keys): the gateway's API is open to anyone who can reach it. Set keys with `dotnet run --project RagApp.AppHost -- Parameters:api-keys=<key1>,<key2>` or the environment variable Parameters__api-keys.");
#pragma warning restore CA1848
                return Task.CompletedTask;
            });
        }

        return keys;
    }

    /// <summary>The requests a minute each client (an API key, else an address) may make; 100 unless set.</summary>
    public static IResourceBuilder<ParameterResource> AddRateLimit(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configured = builder.Configuration[$"Parameters:{RateLimitParameter}"];
        var value = string.IsNullOrWhiteSpace(configured) ? DefaultRequestsPerMinute.ToString(CultureInfo.InvariantCulture) : configured.Trim();
        return builder.AddParameter(RateLimitParameter, value, publishValueAsDefault: true)
            .WithDescription("Requests a minute per API key (or per client address when the API is open), for each of the gateway's rate-limit policies unless the gateway's configuration sets one.");
    }

    public static IResourceBuilder<ProjectResource> WithAccess(
        this IResourceBuilder<ProjectResource> gateway, IResourceBuilder<ParameterResource> apiKeys, IResourceBuilder<ParameterResource> rateLimit)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        return gateway
            .WithEnvironment("Gateway__Access__ApiKeys", apiKeys)
            .WithEnvironment("Gateway__RateLimits__PermitsPerMinute", rateLimit);
    }

    /// <summary>The first configured key, for the AppHost's own calls to the gateway (dashboard commands); null when the API is open.</summary>
    public static async Task<string?> FirstApiKeyAsync(this ParameterResource apiKeys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(apiKeys);
        var value = await apiKeys.GetValueAsync(cancellationToken);
        return value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
    }

    /// <summary>Sends the first API key with a dashboard command's request to the gateway (nothing when the API is open).</summary>
    public static async Task AddApiKeyAsync(this HttpCommandRequestContext context, ParameterResource apiKeys)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await apiKeys.FirstApiKeyAsync(context.CancellationToken) is { } key)
        {
            context.Request.Headers.Add("X-Api-Key", key);
        }
    }
}
