using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Answers.Chat;

namespace RagApp.Tests.Answers.Chat;

/// <summary>
/// RagService over real gRPC with the real MiniLM model and index, answering through the chat answerer as the
/// production registration wires it when the "chat" connection string is set; the hosted model is a scripted stand-in.
/// </summary>
public sealed class ChatQueryGrpcServiceTests(ChatQueryServiceFixture fixture) : IClassFixture<ChatQueryServiceFixture>
{
    private const int Timeout = 60_000;
    private const string Question = "What makes a volcano erupt?";

    private RagService.RagServiceClient Rag => fixture.Host.Rag;

    [Fact(Timeout = Timeout)]
    public async Task Query_AnswersWithTheChatModel_NamingModelRouteAndCitations_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        fixture.Script(["A volcano erupts when magma rises ", "through cracks in the crust [1]. See also [12]."]);
        var meterFactory = fixture.Host.Services.GetRequiredService<IMeterFactory>();
        using var routes = new MetricCollector<long>(meterFactory, "RagApp.Rag", "ragapp.answer.routes");
        using var spans = new SpanRecorder("rag query");

        var response = await Rag.QueryAsync(new QueryRequest { Question = Question }, cancellationToken: cancellationToken);

        Assert.Equal("volcano", response.Sources[0].DocumentId);
        Assert.Equal("chat", response.Answerer);
        Assert.Equal(ChatQueryServiceFixture.FastModel, response.AnswerModel);
        Assert.Equal(ChatRoutes.Fast, response.Route);
        Assert.False(response.Fallback);
        Assert.False(response.Abstained);
        // [12] names no source: dropped from the text and the citations.
        Assert.Equal("A volcano erupts when magma rises through cracks in the crust [1]. See also.", response.Answer);
        Assert.Equal([1], response.Citations);
        Assert.Equal(response.Sources[0].Score, response.Confidence);
        var (messages, _) = Assert.Single(fixture.Fast.Requests);
        Assert.Empty(fixture.Strong.Requests);
        var prompt = messages[^1].Text;
        for (var i = 0; i < response.Sources.Count; i++)
        {
            Assert.Contains($"[{i + 1}] {response.Sources[i].Title}\n{response.Sources[i].Content}", prompt, StringComparison.Ordinal);
        }

        Assert.EndsWith("Question: " + Question, prompt, StringComparison.Ordinal);
        var measurement = Assert.Single(routes.GetMeasurementSnapshot());
        Assert.Equal(ChatRoutes.Fast, measurement.Tags["route"]);
        var span = Assert.Single(spans.Stopped, activity => activity.GetTagItem(ChatTelemetry.RouteTag) is not null);
        Assert.Equal(ChatRoutes.Fast, span.GetTagItem(ChatTelemetry.RouteTag));
        Assert.Equal(ChatQueryServiceFixture.FastModel, span.GetTagItem(ChatTelemetry.ModelTag));
    }

    [Fact(Timeout = Timeout)]
    public async Task Query_LongQuestion_IsAnsweredByTheStrongDeployment_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        fixture.Script(["Magma rises and gas expands [1]."]);
        var question = "I am preparing a lesson for my geology class and would like to explain, step by step and in plain words, "
            + "what physically happens underground before and during the moment a volcano erupts, including the role of gas and pressure?";
        Assert.True(question.Length > new ChatAnswerOptions().LongQuestionCharacters);

        var response = await Rag.QueryAsync(new QueryRequest { Question = question }, cancellationToken: cancellationToken);

        Assert.Equal(ChatRoutes.Strong, response.Route);
        Assert.Equal(ChatQueryServiceFixture.StrongModel, response.AnswerModel);
        Assert.Single(fixture.Strong.Requests);
        Assert.Empty(fixture.Fast.Requests);
    }

    [Fact(Timeout = Timeout)]
    public async Task Query_WhenTheChatModelThrows_AnswersExtractively_WithFallback_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        fixture.Script([], failAfterTokens: new HttpRequestException("503 Service Unavailable"));
        using var fallbacks = new MetricCollector<long>(fixture.Host.Services.GetRequiredService<IMeterFactory>(), "RagApp.Rag", "ragapp.answer.fallbacks");

        var response = await Rag.QueryAsync(new QueryRequest { Question = Question }, cancellationToken: cancellationToken);

        Assert.True(response.Fallback);
        Assert.Equal("extractive", response.Answerer);
        Assert.Equal("", response.AnswerModel);
        Assert.Equal(ChatRoutes.Fast, response.Route);
        Assert.Contains("magma", response.Answer, StringComparison.OrdinalIgnoreCase);
        Assert.NotEmpty(response.Citations);
        Assert.All(response.Citations, citation => Assert.InRange(citation, 1, response.Sources.Count));
        Assert.Equal(FallbackReasons.Error, Assert.Single(fallbacks.GetMeasurementSnapshot()).Tags["reason"]);
    }

    [Fact(Timeout = Timeout)]
    public async Task Query_WhenTheChatModelIsSilent_AnswersExtractivelyAfterTheFirstTokenTimeout_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        fixture.Script([], stallAfterTokens: true);
        var started = Stopwatch.StartNew();

        var response = await Rag.QueryAsync(new QueryRequest { Question = Question }, cancellationToken: cancellationToken);

        Assert.True(response.Fallback);
        Assert.Equal("extractive", response.Answerer);
        Assert.True(started.Elapsed >= ChatQueryServiceFixture.FirstTokenTimeout, $"fell back after {started.Elapsed}");
    }

    [Fact(Timeout = Timeout)]
    public async Task QueryStream_StreamsTheModelsTokens_ThenCompletesWithTheirText_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        string[] tokens = ["A volcano ", "erupts when ", "magma rises [1", "]."];
        fixture.Script(tokens);

        var events = await StreamAsync(new QueryRequest { Question = Question }, cancellationToken);

        Assert.Equal(QueryStreamEvent.EventOneofCase.Sources, events[0].EventCase);
        Assert.Equal(tokens, events.Where(e => e.EventCase == QueryStreamEvent.EventOneofCase.Delta).Select(e => e.Delta.Text));
        var completed = events[^1].Completed;
        Assert.Equal(string.Concat(tokens), completed.Answer);
        Assert.Equal("chat", completed.Answerer);
        Assert.Equal(ChatQueryServiceFixture.FastModel, completed.AnswerModel);
        Assert.Equal(ChatRoutes.Fast, completed.Route);
        Assert.Equal([1], completed.Citations);
        Assert.False(completed.Fallback);
    }

    [Fact(Timeout = Timeout)]
    public async Task QueryStream_WhenTheModelFailsMidAnswer_CompletesWithTheExtractiveAnswer_WithFakeChatModel()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        fixture.Script(["A volcano ", "erupts"], failAfterTokens: new IOException("connection reset"));

        var events = await StreamAsync(new QueryRequest { Question = Question }, cancellationToken);

        // The deltas sent stay as they were; the completion carries the answer to show in their place.
        Assert.Equal(["A volcano ", "erupts"], events.Where(e => e.EventCase == QueryStreamEvent.EventOneofCase.Delta).Select(e => e.Delta.Text));
        var completed = events[^1].Completed;
        Assert.True(completed.Fallback);
        Assert.Equal("extractive", completed.Answerer);
        Assert.Contains("magma", completed.Answer, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<List<QueryStreamEvent>> StreamAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        using var call = Rag.QueryStream(request, cancellationToken: cancellationToken);
        var events = new List<QueryStreamEvent>();
        await foreach (var streamEvent in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            events.Add(streamEvent);
        }

        Assert.Equal(QueryStreamEvent.EventOneofCase.Completed, events[^1].EventCase);
        return events;
    }

    /// <summary>Collects the service's spans of one name while it lives (spans of other tests' hosts included; filter on tags).</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly System.Collections.Concurrent.ConcurrentQueue<Activity> _stopped = new();

        public SpanRecorder(string name)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "RagApp.Rag",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (activity.OperationName == name)
                    {
                        _stopped.Enqueue(activity);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public IReadOnlyList<Activity> Stopped => [.. _stopped];

        public void Dispose() => _listener.Dispose();
    }
}
