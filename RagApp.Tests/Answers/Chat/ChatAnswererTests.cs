using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using RagApp.Rag.Answers;
using RagApp.Rag.Answers.Chat;
using RagApp.Tests.Embeddings;

namespace RagApp.Tests.Answers.Chat;

/// <summary>
/// The chat answerer over a scripted stand-in for the hosted model (none can run here) and the real extractive
/// answerer (with the real MiniLM model) as its fallback: prompt, citations, abstention, routing, streaming, and
/// fallback on failure and on each timeout, with time moved by a fake clock rather than waited for.
/// </summary>
[Collection(MiniLmCollection.Name)]
public sealed class ChatAnswererTests(MiniLmFixture fixture) : IDisposable
{
    private const int Timeout = 60_000;
    private const string Question = "When was Ann Arbor founded?";

    private static readonly AnswerPassage[] Passages =
    [
        new(1, "cranfield-1", "cranfield-1#0", "Boundary layers",
            "Experiments were made on the boundary layer of a flat plate at supersonic speeds. The skin friction fell as the Mach number rose.", 0.45f),
        new(2, "ann-arbor", "ann-arbor#0", "Ann Arbor, Michigan",
            "Ann Arbor was founded in 1824 by land speculators. The University of Michigan moved from Detroit to Ann Arbor in 1837.", 0.82f),
        new(3, "bacteria", "bacteria#0", "Bacteria",
            "Bacteria are a large domain of prokaryotic microorganisms. They have many shapes, from spheres to rods and spirals.", 0.41f),
    ];

    private readonly ServiceProvider _metrics = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly FakeTimeProvider _time = new();

    private IMeterFactory MeterFactory => _metrics.GetRequiredService<IMeterFactory>();

    [Fact(Timeout = Timeout)]
    public async Task Prompt_HoldsTheInstruction_TheNumberedSourcesWithTitles_TheHistory_AndTheQuestion_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        var model = FakeChatClient.Replying("Ann Arbor was founded in 1824 [2].");
        var history = new ConversationTurn[] { new("Tell me about Ann Arbor.", "Tell me about Ann Arbor.", "Ann Arbor is a city in Michigan [2]. It has a university [1, 3].") };

        await Answerer(model).AnswerAsync(new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages, history), cancel);

        var (messages, options) = Assert.Single(model.Requests);
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.User], messages.Select(message => message.Role));
        Assert.Contains("[1]", messages[0].Text, StringComparison.Ordinal);
        Assert.Contains(ChatPrompt.AbstentionPhrase, messages[0].Text, StringComparison.Ordinal);
        Assert.Equal("Tell me about Ann Arbor.", messages[1].Text);
        // The earlier answer's markers numbered that turn's sources: they are left out.
        Assert.Equal("Ann Arbor is a city in Michigan. It has a university.", messages[2].Text);
        var prompt = messages[3].Text;
        foreach (var passage in Passages)
        {
            Assert.Contains($"[{passage.Number}] {passage.Title}\n{passage.Text}", prompt, StringComparison.Ordinal);
        }

        Assert.True(prompt.IndexOf("[1]", StringComparison.Ordinal) < prompt.IndexOf("[2]", StringComparison.Ordinal));
        Assert.EndsWith("Question: " + Question, prompt, StringComparison.Ordinal);
        Assert.Equal(600, options?.MaxOutputTokens);
    }

    [Fact(Timeout = Timeout)]
    public async Task Citations_MapBackToTheSources_OutOfRangeMarkersDropped_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        var model = FakeChatClient.Replying("Ann Arbor was founded ", "in 1824 [2]. Land speculators founded it [2, 9]", ", as the [7] records and [3] say.");

        var answer = await Answerer(model).AnswerAsync(new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages), cancel);

        Assert.Equal("Ann Arbor was founded in 1824 [2]. Land speculators founded it [2], as the records and [3] say.", answer.Text);
        Assert.Equal([2, 3], answer.CitedPassages);
        Assert.False(answer.Abstained);
        Assert.False(answer.FellBack);
        Assert.Equal("chat", answer.Answerer);
        Assert.Equal("gpt-fast", answer.Model);
        Assert.Equal(ChatRoutes.Fast, answer.Route);
        // The best retrieval score among the cited sources.
        Assert.Equal(0.82f, answer.Confidence);
    }

    [Fact(Timeout = Timeout)]
    public async Task UncitedAnswer_HasHalfTheBestSourcesScore_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        var answer = await Answerer(FakeChatClient.Replying("It was founded in 1824.")).AnswerAsync(new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages), cancel);

        Assert.Empty(answer.CitedPassages);
        Assert.Equal(0.41f, answer.Confidence);
    }

    [Theory(Timeout = Timeout)]
    [InlineData("The indexed documents do not answer this question.")]
    [InlineData("the indexed documents do not answer this question")]
    [InlineData("Sorry. The indexed documents do not  answer this question. [1]")]
    public async Task AbstentionPhrase_IsAnAbstention_WithNoCitationsAndNoConfidence_WithFakeChatModel(string reply)
    {
        var cancel = TestContext.Current.CancellationToken;
        var answer = await Answerer(FakeChatClient.Replying(reply)).AnswerAsync(new AnswerRequest("Who composed The Magic Flute?", ReadOnlyMemory<float>.Empty, Passages), cancel);

        Assert.True(answer.Abstained);
        Assert.Empty(answer.CitedPassages);
        Assert.Equal(0f, answer.Confidence);
        Assert.Equal("chat", answer.Answerer);
    }

    [Fact(Timeout = Timeout)]
    public async Task Routing_LongQuestionGoesToTheStrongDeployment_ShortOneToTheFast_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        var fast = FakeChatClient.Replying("Fast [2].");
        var strong = FakeChatClient.Replying("Strong [2].");
        var answerer = Answerer(fast, strong, new ChatAnswerOptions { LongQuestionCharacters = 40 });
        using var routes = new MetricCollector<long>(MeterFactory, "RagApp.Rag", "ragapp.answer.routes");

        var shortAnswer = await answerer.AnswerAsync(new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages), cancel);
        var longAnswer = await answerer.AnswerAsync(new AnswerRequest(Question + " And who were the people who founded the city?", ReadOnlyMemory<float>.Empty, Passages), cancel);

        Assert.Equal(("gpt-fast", ChatRoutes.Fast, "Fast [2]."), (shortAnswer.Model, shortAnswer.Route, shortAnswer.Text));
        Assert.Equal(("gpt-strong", ChatRoutes.Strong, "Strong [2]."), (longAnswer.Model, longAnswer.Route, longAnswer.Text));
        Assert.Single(fast.Requests);
        Assert.Single(strong.Requests);
        var measurements = routes.GetMeasurementSnapshot();
        Assert.Equal([(ChatRoutes.Fast, RouteReasons.Simple), (ChatRoutes.Strong, RouteReasons.LongQuestion)],
            measurements.Select(measurement => ((string)measurement.Tags["route"]!, (string)measurement.Tags["reason"]!)));
    }

    public static TheoryData<string, string> RoutingCases() => new()
    {
        { "simple", RouteReasons.Simple },
        { "long", RouteReasons.LongQuestion },
        { "follow-up", RouteReasons.FollowUp },
        { "weak", RouteReasons.WeakEvidence },
        { "spread", RouteReasons.SpreadEvidence },
        { "none", RouteReasons.NoSources },
    };

    [Theory]
    [MemberData(nameof(RoutingCases))]
    public void RoutingRule_PicksStrongForLongQuestionsFollowUpsWeakOrSpreadEvidence(string situation, string reason)
    {
        var options = new ChatAnswerOptions();
        AnswerPassage Passage(int number, string document, float score) => new(number, document, $"{document}#0", document, "text", score);
        var request = situation switch
        {
            "long" => new AnswerRequest(new string('x', options.LongQuestionCharacters + 1), ReadOnlyMemory<float>.Empty, Passages),
            "follow-up" => new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages, [new ConversationTurn("q", "q", "a")]),
            "weak" => new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, [Passage(1, "a", 0.39f), Passage(2, "b", 0.2f)]),
            // Three documents within 90 % of the best score.
            "spread" => new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, [Passage(1, "a", 0.8f), Passage(2, "b", 0.78f), Passage(3, "c", 0.73f), Passage(4, "a", 0.7f)]),
            "none" => new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, []),
            // Two strong passages of one document and a weaker one of another: focused evidence.
            _ => new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, [Passage(1, "a", 0.8f), Passage(2, "a", 0.78f), Passage(3, "c", 0.6f)]),
        };

        var decision = ChatRouter.Decide(request, options);

        Assert.Equal(reason, decision.Reason);
        Assert.Equal(reason is RouteReasons.Simple or RouteReasons.NoSources ? ChatRoutes.Fast : ChatRoutes.Strong, decision.Route);
    }

    [Fact(Timeout = Timeout)]
    public async Task ThrowingModel_FallsBackToTheExtractiveAnswer_WithFellBack_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var fallbacks = new MetricCollector<long>(MeterFactory, "RagApp.Rag", "ragapp.answer.fallbacks");
        var request = new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages);
        var expected = await new ExtractiveAnswerer(fixture.Generator).AnswerAsync(request, cancel);

        var answer = await Answerer(FakeChatClient.Throwing(new HttpRequestException("429 Too Many Requests"))).AnswerAsync(request, cancel);

        Assert.True(answer.FellBack);
        Assert.Equal("extractive", answer.Answerer);
        Assert.Equal("", answer.Model);
        Assert.Equal(ChatRoutes.Fast, answer.Route);
        Assert.Equal(expected.Text, answer.Text);
        Assert.Contains("1824", answer.Text, StringComparison.Ordinal);
        Assert.Equal(expected.CitedPassages, answer.CitedPassages);
        Assert.Equal(FallbackReasons.Error, Assert.Single(fallbacks.GetMeasurementSnapshot()).Tags["reason"]);
    }

    [Fact(Timeout = Timeout)]
    public async Task EmptyReply_FallsBack_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var fallbacks = new MetricCollector<long>(MeterFactory, "RagApp.Rag", "ragapp.answer.fallbacks");

        var answer = await Answerer(FakeChatClient.Replying("", "  ")).AnswerAsync(new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages), cancel);

        Assert.True(answer.FellBack);
        Assert.Equal(FallbackReasons.Empty, Assert.Single(fallbacks.GetMeasurementSnapshot()).Tags["reason"]);
    }

    [Fact(Timeout = Timeout)]
    public async Task SilentModel_FallsBackAtTheFirstTokenTimeout_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var fallbacks = new MetricCollector<long>(MeterFactory, "RagApp.Rag", "ragapp.answer.fallbacks");
        var model = FakeChatClient.Silent();
        var answering = Answerer(model).AnswerAsync(new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages), cancel);
        await model.Called.WaitAsync(cancel);

        // Timers fire within Advance, so the model's token shows at once whether it was given up.
        _time.Advance(TimeSpan.FromSeconds(7.9));
        Assert.False(model.LastToken.IsCancellationRequested, "gave the model up before the first-token timeout");
        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(model.LastToken.IsCancellationRequested, "did not give the model up at the first-token timeout");
        var answer = await answering;

        Assert.True(answer.FellBack);
        Assert.Contains("1824", answer.Text, StringComparison.Ordinal);
        Assert.Equal(FallbackReasons.FirstTokenTimeout, Assert.Single(fallbacks.GetMeasurementSnapshot()).Tags["reason"]);
    }

    [Fact(Timeout = Timeout)]
    public async Task ModelThatStallsAfterItsFirstToken_IsGivenUntilTheTotalTimeout_ThenTheStreamEndsWithTheExtractiveAnswer_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        using var fallbacks = new MetricCollector<long>(MeterFactory, "RagApp.Rag", "ragapp.answer.fallbacks");
        var model = new FakeChatClient { Tokens = ["Ann Arbor was"], StallAfterTokens = true };
        var request = new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages);
        var expected = await new ExtractiveAnswerer(fixture.Generator).AnswerAsync(request, cancel);
        await using var updates = Answerer(model).StreamAsync(request, cancel).GetAsyncEnumerator(cancel);

        Assert.True(await updates.MoveNextAsync());
        Assert.Equal("Ann Arbor was", updates.Current.Delta);
        var next = updates.MoveNextAsync().AsTask();
        // Past the first-token timeout: the model has started, so only the total timeout (20 s) applies.
        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.False(model.LastToken.IsCancellationRequested, "gave the model up at the first-token timeout though it had started");
        _time.Advance(TimeSpan.FromSeconds(11));
        Assert.True(model.LastToken.IsCancellationRequested, "did not give the model up at the total timeout");
        Assert.True(await next);

        // No more deltas: the completion carries the extractive answer in place of the cut-short text.
        var done = Assert.IsType<ComposedAnswer>(updates.Current.Done);
        Assert.True(done.FellBack);
        Assert.Equal(expected.Text, done.Text);
        Assert.False(await updates.MoveNextAsync());
        Assert.Equal(FallbackReasons.Timeout, Assert.Single(fallbacks.GetMeasurementSnapshot()).Tags["reason"]);
    }

    [Fact(Timeout = Timeout)]
    public async Task ModelFailingMidStream_EndsWithTheExtractiveAnswer_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        var model = new FakeChatClient { Tokens = ["Ann Arbor ", "was"], FailAfterTokens = new IOException("connection reset") };
        var request = new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages);
        var expected = await new ExtractiveAnswerer(fixture.Generator).AnswerAsync(request, cancel);

        var updates = await Collect(Answerer(model).StreamAsync(request, cancel));

        Assert.Equal(["Ann Arbor ", "was"], updates.Where(update => update.Done is null).Select(update => update.Delta));
        var done = Assert.IsType<ComposedAnswer>(updates[^1].Done);
        Assert.True(done.FellBack);
        Assert.Equal(expected.Text, done.Text);
    }

    [Fact(Timeout = Timeout)]
    public async Task ModelFailingBeforeItsFirstToken_StreamsTheExtractiveAnswersDeltas_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        var request = new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages);

        var updates = await Collect(Answerer(FakeChatClient.Throwing(new InvalidOperationException("bad deployment"))).StreamAsync(request, cancel));

        var done = Assert.IsType<ComposedAnswer>(updates[^1].Done);
        Assert.True(done.FellBack);
        Assert.NotEmpty(updates[..^1]);
        Assert.Equal(done.Text, string.Concat(updates[..^1].Select(update => update.Delta)));
    }

    [Fact(Timeout = Timeout)]
    public async Task Streaming_DeltasAreTheModelsTokens_AndConcatenateToTheFinalText_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        string[] tokens = ["Ann ", "Arbor was ", "founded in ", "1824 ", "[2", "]."];

        var updates = await Collect(Answerer(FakeChatClient.Replying(tokens)).StreamAsync(new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages), cancel));

        Assert.Equal(tokens, updates[..^1].Select(update => update.Delta));
        var done = Assert.IsType<ComposedAnswer>(updates[^1].Done);
        Assert.Equal(string.Concat(tokens), done.Text);
        Assert.Equal([2], done.CitedPassages);
        Assert.False(done.FellBack);
    }

    [Fact(Timeout = Timeout)]
    public async Task CallersCancellation_IsThrown_NotAnsweredExtractively_WithFakeChatModel()
    {
        var cancel = TestContext.Current.CancellationToken;
        var model = FakeChatClient.Silent();
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var answering = Answerer(model).AnswerAsync(new AnswerRequest(Question, ReadOnlyMemory<float>.Empty, Passages), caller.Token);
        await model.Called.WaitAsync(cancel);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answering);
    }

    public void Dispose() => _metrics.Dispose();

    private ChatAnswerer Answerer(IChatClient model, IChatClient? strong = null, ChatAnswerOptions? options = null) =>
        new(new ChatDeployments(new ChatDeployment("gpt-fast", model), new ChatDeployment("gpt-strong", strong ?? model)),
            new ExtractiveAnswerer(fixture.Generator),
            Options.Create(options ?? new ChatAnswerOptions()),
            new ChatTelemetry(MeterFactory),
            _time,
            NullLogger<ChatAnswerer>.Instance);

    private static async Task<List<AnswerUpdate>> Collect(IAsyncEnumerable<AnswerUpdate> updates)
    {
        var list = new List<AnswerUpdate>();
        await foreach (var update in updates)
        {
            list.Add(update);
        }

        return list;
    }
}
