using Microsoft.Extensions.Configuration;

namespace RagApp.AppHost.Models;

internal static class ChatModelBuilderExtensions
{
    /// <summary>The connection string (and parameter) name, <c>ConnectionStrings:chat</c> in the AppHost's configuration.</summary>
    public const string ChatConnectionName = "chat";

    /// <summary>
    /// Hands the optional "chat" connection string (a chat model: Azure OpenAI, OpenAI or Ollama; docs/configuration.md)
    /// to RagApp.Rag as <c>ConnectionStrings__chat</c>. It is a secret parameter whose value is
    /// <c>ConnectionStrings:chat</c> from the AppHost's configuration (user secrets, environment) and empty when that is
    /// unset: <c>AddConnectionString</c> would have the AppHost wait for a value, holding RagApp.Rag and everything after
    /// it back, while an empty value starts everything and RagApp.Rag answers with the extractive answerer.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithChatModel(this IResourceBuilder<ProjectResource> rag)
    {
        ArgumentNullException.ThrowIfNull(rag);
        var builder = rag.ApplicationBuilder;
        var chat = builder.AddParameter(
                ChatConnectionName,
                () => builder.Configuration.GetConnectionString(ChatConnectionName) ?? "",
                secret: true)
            .WithDescription("Optional chat model for RagApp.Rag's answers, from ConnectionStrings:chat: `Endpoint=...;Key=...;Deployment=...` (Azure OpenAI), `Key=...;Model=...` (OpenAI) or `Endpoint=http://localhost:11434;Model=...` (Ollama). Empty: extractive answers.", enableMarkdown: true);
        return rag.WithEnvironment($"ConnectionStrings__{ChatConnectionName}", chat);
    }
}
