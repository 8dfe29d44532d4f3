using System.Globalization;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using RagApp.AppHost.Access;

namespace RagApp.AppHost.Commands;

/// <summary>
/// A dashboard command that POSTs to one of the gateway's own endpoints as a client does (with the first API key), so the
/// gateway's rules apply, and reports what its JSON answer says.
/// </summary>
internal static class GatewayPostCommand
{
    public static IResourceBuilder<ProjectResource> WithGatewayPostCommand(
        this IResourceBuilder<ProjectResource> gateway,
        IResourceBuilder<ParameterResource> apiKeys,
        string path,
        string displayName,
        string commandName,
        string description,
        string confirmation,
        string iconName,
        Func<JsonElement, string> describe) =>
        gateway.WithHttpCommand(
            path,
            displayName,
            endpointName: "http",
            commandName: commandName,
            commandOptions: new HttpCommandOptions
            {
                Method = HttpMethod.Post,
                Description = description,
                ConfirmationMessage = confirmation,
                IconName = iconName,
                PrepareRequest = context => context.AddApiKeyAsync(apiKeys.Resource),
                GetCommandResult = context => ReadResultAsync(context, describe),
            });

    private static async Task<ExecuteCommandResult> ReadResultAsync(HttpCommandResultContext context, Func<JsonElement, string> describe)
    {
        var response = context.Response;
        if (!response.IsSuccessStatusCode)
        {
            return CommandResults.Failure(string.Create(CultureInfo.InvariantCulture,
                $"The gateway answered {(int)response.StatusCode} {response.ReasonPhrase}."));
        }

        await using var body = await response.Content.ReadAsStreamAsync(context.CancellationToken);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: context.CancellationToken);
        return CommandResults.Success(describe(json.RootElement));
    }
}
