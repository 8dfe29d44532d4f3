using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Sessions;
using RagApp.Tests.Support;
using StackExchange.Redis;

namespace RagApp.Tests.Sessions;

/// <summary>
/// Conversations over real gRPC, the real MiniLM model and a real Garnet: a follow-up is retrieved with the session's
/// history, the answerer gets the question as asked and the history, turns are capped, and the expiry slides.
/// </summary>
public sealed class FollowUpQueryTests(SessionQueryFixture fixture) : IClassFixture<SessionQueryFixture>
{
    private const int Timeout = 120_000;
    private const string First = "When was Ann Arbor founded?";
    private const string FollowUp = "and what university moved there?";

    private RagService.RagServiceClient Rag => fixture.Host.Rag;

    [Fact(Timeout = Timeout)]
    public async Task FollowUp_IsRetrievedWithTheSessionsSubject_AndAnsweredAsAsked_WithTheHistory()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var session = Guid.NewGuid();

        var first = await AskAsync(First, session, cancellationToken);
        var followUp = await AskAsync(FollowUp, session, cancellationToken);
        var alone = await AskAsync(FollowUp, sessionId: null, cancellationToken);

        Assert.Equal("ann-arbor", first.Sources[0].DocumentId);
        Assert.Equal(First, first.RetrievalQuestion);
        Assert.Contains("Ann Arbor", followUp.RetrievalQuestion, StringComparison.Ordinal);
        Assert.StartsWith(FollowUp, followUp.RetrievalQuestion, StringComparison.Ordinal);
        Assert.Equal("ann-arbor", followUp.Sources[0].DocumentId);
        Assert.Contains("University of Michigan", followUp.Answer, StringComparison.Ordinal);
        // Without a session the words are searched as asked.
        Assert.Equal(FollowUp, alone.RetrievalQuestion);

        var request = fixture.Answerer.Requests.Last(request => request.Question == FollowUp && request.History.Count > 0);
        var turn = Assert.Single(request.History);
        Assert.Equal((First, First, first.Answer), (turn.Question, turn.RetrievalQuestion, turn.Answer));

        var stored = await TurnsAsync(session, cancellationToken);
        Assert.Equal([First, FollowUp], stored.Select(element => element.GetProperty("question").GetString()));
        Assert.Equal(followUp.RetrievalQuestion, stored[1].GetProperty("retrieval_question").GetString());
        Assert.Equal(followUp.Answer, stored[1].GetProperty("answer").GetString());
    }

    [Fact(Timeout = Timeout)]
    public async Task QueryStream_FollowUp_IsRetrievedWithTheSessionsSubject_AndKeptBeforeTheCompletion()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var session = Guid.NewGuid();

        var first = await StreamAsync(First, session, cancellationToken);
        var followUp = await StreamAsync(FollowUp, session, cancellationToken);
        // Asked the moment the completion arrived: the turn before it is already in the session.
        var third = await StreamAsync("When did it move?", session, cancellationToken);

        Assert.Equal("ann-arbor", first.Sources[0].DocumentId);
        Assert.Contains("Ann Arbor", followUp.Completed.RetrievalQuestion, StringComparison.Ordinal);
        Assert.Equal("ann-arbor", followUp.Sources[0].DocumentId);
        Assert.Contains("Ann Arbor", third.Completed.RetrievalQuestion, StringComparison.Ordinal);
        Assert.Equal(3, (await TurnsAsync(session, cancellationToken)).Count);
        Assert.Equal(2, fixture.Answerer.Last("When did it move?").History.Count);
    }

    [Fact(Timeout = Timeout)]
    public async Task OtherSession_HasItsOwnHistory()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var session = Guid.NewGuid();
        var other = Guid.NewGuid();
        await AskAsync(First, session, cancellationToken);
        await AskAsync("When was Durham founded?", other, cancellationToken);

        var here = await AskAsync(FollowUp, session, cancellationToken);
        var elsewhere = await AskAsync(FollowUp, other, cancellationToken);
        var fresh = await AskAsync(FollowUp, Guid.NewGuid(), cancellationToken);

        // The same words follow each conversation's own subject: the history, not the wording, picks the city.
        Assert.Equal("ann-arbor", here.Sources[0].DocumentId);
        Assert.Contains("Durham", elsewhere.RetrievalQuestion, StringComparison.Ordinal);
        Assert.DoesNotContain("Ann Arbor", elsewhere.RetrievalQuestion, StringComparison.Ordinal);
        Assert.Equal("durham", elsewhere.Sources[0].DocumentId);
        Assert.Equal(FollowUp, fresh.RetrievalQuestion);
    }

    [Fact(Timeout = Timeout)]
    public async Task Turns_AreCappedToTheNewest()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var session = Guid.NewGuid();
        string[] questions =
        [
            "What makes a volcano erupt?", "How do I bake sourdough bread?", "How do plants turn sunlight into food?",
            "Where did jazz music originate?", "What does the borrow checker enforce in Rust?",
        ];

        foreach (var question in questions)
        {
            await AskAsync(question, session, cancellationToken);
        }

        var stored = await TurnsAsync(session, cancellationToken);
        Assert.Equal(questions[^SessionQueryFixture.MaxTurns..], stored.Select(element => element.GetProperty("question").GetString()));
        var lastHistory = fixture.Answerer.Last(questions[^1]).History;
        Assert.Equal(questions[^(SessionQueryFixture.MaxTurns + 1)..^1], lastHistory.Select(turn => turn.Question));
    }

    [Fact(Timeout = Timeout)]
    public async Task Expiry_IsSetOnWrite_AndRestartedByReadsAndWrites()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var session = Guid.NewGuid();
        var key = RedisSessionStore.KeyFor(session);
        var store = fixture.Host.Services.GetRequiredService<ISessionStore>();

        await AskAsync(First, session, cancellationToken);
        AssertFreshExpiry(await fixture.Redis.KeyTimeToLiveAsync(key));

        // Shortened by hand, then a read alone restarts it.
        await fixture.Redis.KeyExpireAsync(key, TimeSpan.FromMinutes(1));
        var history = await store.LoadAsync(session, cancellationToken);
        Assert.Single(history);
        AssertFreshExpiry(await fixture.Redis.KeyTimeToLiveAsync(key));

        // And a whole follow-up (read, then write) does too.
        await fixture.Redis.KeyExpireAsync(key, TimeSpan.FromMinutes(1));
        await AskAsync(FollowUp, session, cancellationToken);
        AssertFreshExpiry(await fixture.Redis.KeyTimeToLiveAsync(key));
    }

    [Fact(Timeout = Timeout)]
    public async Task ExpiredSession_IsGone_AndItsFollowUpStandsAlone()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var session = Guid.NewGuid();
        var key = RedisSessionStore.KeyFor(session);
        await AskAsync(First, session, cancellationToken);

        // Redis expires the key on its own clock; a short expiry set by hand stands in for 30 idle minutes.
        await fixture.Redis.KeyExpireAsync(key, TimeSpan.FromMilliseconds(200));
        await Eventually.UntilAsync(async () => !await fixture.Redis.KeyExistsAsync(key), "the session key to expire", TimeSpan.FromSeconds(30), cancellationToken);
        var followUp = await AskAsync(FollowUp, session, cancellationToken);

        Assert.Equal(FollowUp, followUp.RetrievalQuestion);
        Assert.Empty(fixture.Answerer.Requests.Last(request => request.Question == FollowUp && request.History.Count == 0).History);
        Assert.Single(await TurnsAsync(session, cancellationToken));
    }

    [Fact(Timeout = Timeout)]
    public async Task Spans_TellTheHistoryLength_AndWhetherTheQuestionWasRewritten()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // An unusual max_results marks this test's spans among those of tests running beside it.
        const int Marker = 17;
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "RagApp.Rag",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("ragapp.query.max_results") is Marker)
                {
                    spans.Enqueue(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var session = Guid.NewGuid().ToString();

        await Rag.QueryAsync(new QueryRequest { Question = First, SessionId = session, MaxResults = Marker }, cancellationToken: cancellationToken);
        await Rag.QueryAsync(new QueryRequest { Question = FollowUp, SessionId = session, MaxResults = Marker }, cancellationToken: cancellationToken);
        await Rag.QueryAsync(new QueryRequest { Question = FollowUp, MaxResults = Marker }, cancellationToken: cancellationToken);

        var tags = spans.Select(span => (span.OperationName, Turns: span.GetTagItem("ragapp.session.turns"), Rewritten: span.GetTagItem("ragapp.query.rewritten"))).ToList();
        Assert.Equal([("rag query", (object?)0, (object?)false), ("rag query", 1, true), ("rag query", null, false)], tags);
    }

    private static void AssertFreshExpiry(TimeSpan? timeToLive)
    {
        Assert.NotNull(timeToLive);
        Assert.InRange(timeToLive.Value, SessionQueryFixture.Expiry - TimeSpan.FromMinutes(1), SessionQueryFixture.Expiry);
    }

    private async Task<QueryResponse> AskAsync(string question, Guid? sessionId, CancellationToken cancellationToken) =>
        await Rag.QueryAsync(new QueryRequest { Question = question, SessionId = sessionId?.ToString() ?? "" }, cancellationToken: cancellationToken);

    private async Task<(List<Source> Sources, QueryCompleted Completed)> StreamAsync(string question, Guid sessionId, CancellationToken cancellationToken)
    {
        using var call = Rag.QueryStream(new QueryRequest { Question = question, SessionId = sessionId.ToString() }, cancellationToken: cancellationToken);
        List<Source>? sources = null;
        await foreach (var streamEvent in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            if (streamEvent.EventCase == QueryStreamEvent.EventOneofCase.Sources)
            {
                sources = [.. streamEvent.Sources.Sources];
            }
            else if (streamEvent.EventCase == QueryStreamEvent.EventOneofCase.Completed)
            {
                return (sources ?? throw new InvalidOperationException("Completed before sources."), streamEvent.Completed);
            }
        }

        throw new InvalidOperationException("The stream ended without a completion.");
    }

    private async Task<List<JsonElement>> TurnsAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        var values = await fixture.Redis.ListRangeAsync(RedisSessionStore.KeyFor(sessionId)).WaitAsync(cancellationToken);
        return [.. values.Select(value => JsonDocument.Parse((string)value!).RootElement)];
    }
}
