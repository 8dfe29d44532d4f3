using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RagApp.Rag.Answers;
using RagApp.Rag.Answers.Chat;

namespace RagApp.Tests.Answers.Chat;

/// <summary>Follow-ups rewritten by a scripted stand-in for the hosted chat model; any failure leaves the question as asked.</summary>
public sealed class ChatFollowUpRewriterTests : IDisposable
{
    private const int Timeout = 30_000;
    private const string FollowUp = "And when was it founded?";

    private static readonly ConversationTurn[] History =
    [
        new("What is Ann Arbor known for?", "What is Ann Arbor known for?", "Ann Arbor is home to the University of Michigan [1]."),
    ];

    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new();

    [Fact(Timeout = Timeout)]
    public async Task FollowUp_IsRewrittenByTheFastModel_FromTheHistory_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var fast = FakeChatClient.Replying("\"When was Ann Arbor ", "founded?\"");
        var strong = FakeChatClient.Replying("unused");

        var rewritten = await Rewriter(fast, strong).RewriteAsync(FollowUp, History, cancellationToken);

        Assert.Equal("When was Ann Arbor founded?", rewritten);
        Assert.Empty(strong.Requests);
        var (messages, _) = Assert.Single(fast.Requests);
        Assert.Equal(ChatFollowUpRewriter.Instruction, messages[0].Text);
        Assert.Contains("User: What is Ann Arbor known for?\nAssistant: Ann Arbor is home to the University of Michigan.", messages[1].Text, StringComparison.Ordinal);
        Assert.EndsWith("Follow-up question: " + FollowUp, messages[1].Text, StringComparison.Ordinal);
    }

    [Fact(Timeout = Timeout)]
    public async Task NoHistory_AsksNoModel_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var model = FakeChatClient.Replying("rewritten");

        Assert.Equal(FollowUp, await Rewriter(model).RewriteAsync(FollowUp, [], cancellationToken));
        Assert.Empty(model.Requests);
    }

    [Theory(Timeout = Timeout)]
    [InlineData("throws")]
    [InlineData("empty")]
    [InlineData("rambles")]
    public async Task UnusableModel_LeavesTheQuestionAsAsked_WithFakeChatModel(string behaviour)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var model = behaviour switch
        {
            "throws" => FakeChatClient.Throwing(new HttpRequestException("503")),
            "empty" => FakeChatClient.Replying(" "),
            _ => FakeChatClient.Replying(new string('a', ChatFollowUpRewriter.MaxRewriteCharacters + 1)),
        };

        Assert.Equal(FollowUp, await Rewriter(model).RewriteAsync(FollowUp, History, cancellationToken));
        Assert.Single(model.Requests);
    }

    [Fact(Timeout = Timeout)]
    public async Task SilentModel_LeavesTheQuestionAsAsked_AtTheRewriteTimeout_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var model = FakeChatClient.Silent();
        var rewriting = Rewriter(model).RewriteAsync(FollowUp, History, cancellationToken);
        await model.Called.WaitAsync(cancellationToken);

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(model.LastToken.IsCancellationRequested, "gave up before the rewrite timeout");
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(model.LastToken.IsCancellationRequested, "did not give up at the rewrite timeout");

        Assert.Equal(FollowUp, await rewriting);
    }

    public void Dispose() => _metrics.Dispose();

    private ChatFollowUpRewriter Rewriter(FakeChatClient fast, FakeChatClient? strong = null) =>
        new(new ChatDeployments(new ChatDeployment("gpt-fast", fast), new ChatDeployment("gpt-strong", strong ?? fast)),
            Options.Create(new ChatAnswerOptions()),
            new ChatTelemetry(_metrics.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
            _time,
            NullLogger<ChatFollowUpRewriter>.Instance);
}
