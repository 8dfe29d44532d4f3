using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Rag.Answers.Chat;
using RagApp.Tests.Index;
using RagApp.Tests.Retrieval;

namespace RagApp.Tests.Answers.Chat;

/// <summary>
/// RagApp.Rag hosted once for the class with a "chat" connection string, so the production registration switches to
/// the chat answerer, over <see cref="QueryCorpus"/>; the two routes' clients are replaced by scripted stand-ins (no
/// hosted model can run here), which each test sets up before it asks.
/// </summary>
public sealed class ChatQueryServiceFixture : IAsyncLifetime
{
    public const string FastModel = "gpt-fast";
    public const string StrongModel = "gpt-strong";

    /// <summary>Short, so that a silent model is given up quickly; the scripted models answer at once.</summary>
    public static readonly TimeSpan FirstTokenTimeout = TimeSpan.FromSeconds(1);

    private readonly TestDirectory _directory = new();

    internal IndexServiceHost Host { get; private set; } = null!;

    internal FakeChatClient Fast { get; } = new();

    internal FakeChatClient Strong { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Host = await IndexServiceHost.StartAsync(
            _directory.Path,
            new Dictionary<string, string?>
            {
                ["ConnectionStrings:chat"] = $"Key=test-key;FastDeployment={FastModel};StrongDeployment={StrongModel}",
                ["Rag:Chat:FirstTokenTimeout"] = FirstTokenTimeout.ToString(),
            },
            withQueries: true,
            configure: builder =>
            {
                builder.Services.AddKeyedSingleton<IChatClient>(ChatRoutes.Fast, Fast);
                builder.Services.AddKeyedSingleton<IChatClient>(ChatRoutes.Strong, Strong);
            });
        await QueryServiceFixture.WriteCorpusAsync(Host);
    }

    /// <summary>Both models answer with <paramref name="tokens"/> and then as set; their request logs start empty.</summary>
    internal void Script(IReadOnlyList<string> tokens, Exception? failAfterTokens = null, bool stallAfterTokens = false)
    {
        foreach (var model in new[] { Fast, Strong })
        {
            model.Tokens = tokens;
            model.FailAfterTokens = failAfterTokens;
            model.StallAfterTokens = stallAfterTokens;
            model.Requests.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        _directory.Dispose();
    }
}
