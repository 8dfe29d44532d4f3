using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenAI;
using RagApp.Core.AI;
using RagApp.Rag.Answers;
using RagApp.Rag.Answers.Chat;
using RagApp.Rag.Sessions;

namespace Microsoft.Extensions.Hosting;

internal static partial class ChatAnswererExtensions
{
    /// <summary>ActivitySource and Meter of the chat clients' own gen_ai spans and metrics (exported by "RagApp.*").</summary>
    public const string TelemetrySourceName = "RagApp.Chat";

    /// <summary>
    /// The chat model, when the "chat" connection string is set (see <see cref="ChatConnectionString"/>): one chat client
    /// per route (keyed <see cref="ChatRoutes.Fast"/> and <see cref="ChatRoutes.Strong"/>, wrapped with logging and
    /// OpenTelemetry), <see cref="ChatAnswerer"/> as the <see cref="IAnswerer"/> and <see cref="ChatFollowUpRewriter"/>
    /// as the <see cref="IFollowUpRewriter"/>, registered so that they win over the defaults added with TryAdd. Without
    /// the connection string nothing is registered and the service answers extractively. Options from "Rag:Chat".
    /// </summary>
    public static IHostApplicationBuilder AddChatAnswerer(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var connectionString = builder.Configuration.GetConnectionString(ChatConnectionString.Name);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return builder;
        }

        // Parsed here so that a bad string stops start-up instead of the first question.
        var connection = ChatConnectionString.Parse(connectionString);
        var services = builder.Services;
        services.AddOptions<ChatAnswerOptions>()
            .BindConfiguration(ChatAnswerOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ChatTelemetry>();

        // One OpenAI client (one connection pool) for both deployments, made on first use.
        var endpoint = connection.Connection.Endpoint?.ToString() ?? "(OpenAI default)";
        var client = new Lazy<OpenAIClient>(() => OpenAIClientFactory.Create(connection.Connection));
        services.AddKeyedChatClient(ChatRoutes.Fast, provider => client.Value.GetChatClient(FastModel(provider, connection)).AsIChatClient())
            .UseLogging()
            .UseOpenTelemetry(sourceName: TelemetrySourceName);
        services.AddKeyedChatClient(ChatRoutes.Strong, provider => client.Value.GetChatClient(StrongModel(provider, connection)).AsIChatClient())
            .UseLogging()
            .UseOpenTelemetry(sourceName: TelemetrySourceName);
        services.AddSingleton(provider =>
        {
            var deployments = new ChatDeployments(
                new ChatDeployment(FastModel(provider, connection), provider.GetRequiredKeyedService<IChatClient>(ChatRoutes.Fast)),
                new ChatDeployment(StrongModel(provider, connection), provider.GetRequiredKeyedService<IChatClient>(ChatRoutes.Strong)));
            var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger(TelemetrySourceName);
            LogChatModel(logger, connection.Connection.Provider, endpoint, deployments.Fast.Name, deployments.Strong.Name);
            return deployments;
        });

        services.AddSingleton<ChatAnswerer>();
        services.AddSingleton<IAnswerer>(provider => provider.GetRequiredService<ChatAnswerer>());
        services.AddSingleton<IFollowUpRewriter, ChatFollowUpRewriter>();
        return builder;
    }

    private static string FastModel(IServiceProvider provider, ChatConnectionString connection) =>
        NonEmpty(provider.GetRequiredService<IOptions<ChatAnswerOptions>>().Value.FastModel) ?? connection.FastDeployment;

    private static string StrongModel(IServiceProvider provider, ChatConnectionString connection) =>
        NonEmpty(provider.GetRequiredService<IOptions<ChatAnswerOptions>>().Value.StrongModel) ?? connection.StrongDeployment;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [LoggerMessage(Level = LogLevel.Information, Message = "Answers by chat model: {Provider} at {Endpoint}, fast {FastModel}, strong {StrongModel}")]
    private static partial void LogChatModel(ILogger logger, ModelProvider provider, string endpoint, string fastModel, string strongModel);
}
