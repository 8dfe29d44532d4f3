using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RagApp.Rag.Answers;
using RagApp.Rag.Sessions;
using RagApp.Tests.Embeddings;

namespace RagApp.Tests.Answers.Chat;

/// <summary>
/// The production registration's OpenAI client against an OpenAI-compatible stand-in server (no hosted model can be
/// reached here): each provider's path, model and key on the wire, streamed tokens arriving as deltas, and the
/// rewriter's non-streamed call.
/// </summary>
[Collection(MiniLmCollection.Name)]
public sealed class ChatModelProviderTests(MiniLmFixture fixture)
{
    private const int Timeout = 60_000;
    private const string Secret = "sk-chat-secret";

    private static readonly AnswerPassage[] Passages =
    [
        new(1, "bacteria", "bacteria#0", "Bacteria", "Bacteria are a large domain of prokaryotic microorganisms.", 0.41f),
        new(2, "ann-arbor", "ann-arbor#0", "Ann Arbor, Michigan", "Ann Arbor was founded in 1824 by land speculators.", 0.82f),
    ];

    [Fact(Timeout = Timeout)]
    public async Task Ollama_WithoutAKey_StreamsFromItsV1Endpoint_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var server = await FakeOpenAIChatServer.StartAsync(cancellationToken);
        string[] tokens = ["Ann Arbor ", "was founded ", "in 1824 [2]."];
        server.Tokens = tokens;
        using var host = await StartHostAsync($"Endpoint={server.BaseAddress};Model=llama3.2", cancellationToken);
        var answerer = host.Services.GetRequiredService<IAnswerer>();

        var updates = new List<AnswerUpdate>();
        await foreach (var update in answerer.StreamAsync(new AnswerRequest("When was Ann Arbor founded?", ReadOnlyMemory<float>.Empty, Passages), cancellationToken))
        {
            updates.Add(update);
        }

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("Bearer unused", request.Authorization);
        Assert.Equal("llama3.2", request.Body["model"]!.GetValue<string>());
        Assert.Equal(["system", "user"], request.Messages.Select(message => message.Role));
        Assert.Contains("[2] Ann Arbor, Michigan\nAnn Arbor was founded in 1824 by land speculators.", request.Messages[1].Content, StringComparison.Ordinal);
        Assert.Equal(tokens, updates[..^1].Select(update => update.Delta));
        var done = Assert.IsType<ComposedAnswer>(updates[^1].Done);
        Assert.Equal(("chat", "llama3.2", "fast", false), (done.Answerer, done.Model, done.Route, done.FellBack));
        Assert.Equal("Ann Arbor was founded in 1824 [2].", done.Text);
        Assert.Equal([2], done.CitedPassages);
    }

    [Fact(Timeout = Timeout)]
    public async Task AzureOpenAI_StrongRoute_PostsTheStrongDeploymentToTheV1Path_WithTheKey_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var server = await FakeOpenAIChatServer.StartAsync(cancellationToken);
        server.Tokens = ["Land speculators founded it in 1824 [2]."];
        using var host = await StartHostAsync($"Endpoint={server.BaseAddress};Key={Secret};Deployment=gpt-4o-mini;StrongDeployment=gpt-4o", cancellationToken);
        var answerer = host.Services.GetRequiredService<IAnswerer>();
        var history = new[] { new ConversationTurn("What is Ann Arbor?", "What is Ann Arbor?", "A city in Michigan [2].") };

        var answer = await answerer.AnswerAsync(new AnswerRequest("Who founded it?", ReadOnlyMemory<float>.Empty, Passages, history), cancellationToken);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/openai/v1/chat/completions", request.Path);
        Assert.Equal($"Bearer {Secret}", request.Authorization);
        Assert.Equal("gpt-4o", request.Body["model"]!.GetValue<string>());
        Assert.Equal(["system", "user", "assistant", "user"], request.Messages.Select(message => message.Role));
        Assert.Equal(("gpt-4o", "strong", false), (answer.Model, answer.Route, answer.FellBack));
        Assert.Equal([2], answer.CitedPassages);
    }

    [Fact(Timeout = Timeout)]
    public async Task FollowUpRewriter_AsksTheFastDeployment_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var server = await FakeOpenAIChatServer.StartAsync(cancellationToken);
        server.Tokens = ["Who founded Ann Arbor?"];
        using var host = await StartHostAsync($"Key={Secret};Endpoint={server.BaseAddress}v1;FastDeployment=gpt-4.1-nano;StrongDeployment=gpt-4.1", cancellationToken);
        var rewriter = host.Services.GetRequiredService<IFollowUpRewriter>();

        var rewritten = await rewriter.RewriteAsync("Who founded it?", [new ConversationTurn("What is Ann Arbor?", "What is Ann Arbor?", "A city in Michigan.")], cancellationToken);

        Assert.Equal("Who founded Ann Arbor?", rewritten);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal("gpt-4.1-nano", request.Body["model"]!.GetValue<string>());
    }

    private async Task<IHost> StartHostAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:chat"] = connectionString });
        builder.Services.AddLogging();
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(fixture.Generator);
        builder.AddAnswers();
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }
}
