using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RagApp.Core.Grpc.V1;
using RagApp.Tests.Index;

namespace RagApp.Tests.Retrieval;

/// <summary>
/// RagService.Query and QueryStream over real gRPC, with the real MiniLM model and the embedded index: questions whose
/// answers are known find them first, filters restrict, refusals name the field, scores mean the same across questions.
/// </summary>
public sealed class QueryGrpcServiceTests(QueryServiceFixture fixture) : IClassFixture<QueryServiceFixture>
{
    private const int Timeout = 60_000;

    private RagService.RagServiceClient Rag => fixture.Host.Rag;

    public static TheoryData<string, string> KnownAnswers()
    {
        var data = new TheoryData<string, string>();
        foreach (var entry in QueryCorpus.Documents)
        {
            foreach (var question in entry.Questions)
            {
                data.Add(question, entry.DocumentId);
            }
        }

        return data;
    }

    [Theory(Timeout = Timeout)]
    [MemberData(nameof(KnownAnswers))]
    public async Task Query_RanksTheDocumentThatAnswers_First(string question, string documentId)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var response = await Rag.QueryAsync(new QueryRequest { Question = question }, cancellationToken: cancellationToken);

        Assert.Equal(5, response.Sources.Count);
        Assert.Equal(documentId, response.Sources[0].DocumentId);
        var entry = QueryCorpus.Documents.Single(document => document.DocumentId == documentId);
        var top = response.Sources[0];
        Assert.Equal(entry.Title, top.Title);
        Assert.Contains(top.Content, entry.Chunks);
        Assert.Equal(entry.Topic, top.Metadata["topic"]);
        // TestDocument gives chunk n page n + 1 and section "Part n".
        Assert.Equal(top.Ordinal + 1, top.Page);
        Assert.Equal($"Part {top.Ordinal}", top.Section);
        Assert.Equal(RagApp.Core.Documents.ChunkIds.Create(documentId, top.Ordinal), top.ChunkId);
        Assert.Equal(fixture.Generation, response.IndexGeneration);
        Assert.Equal("extractive", response.Answerer);
        Assert.Equal("", response.AnswerModel);
        Assert.False(response.Fallback);
        Assert.Equal(question, response.RetrievalQuestion);
        Assert.Equal("all-MiniLM-L6-v2", response.Model);
        Assert.InRange(response.Confidence, 0, 1);
        Assert.InRange(response.RetrievalMs, 0, response.LatencyMs);
        if (!response.Abstained)
        {
            // Every marker in the answer names a returned source, and the cited list is exactly those markers.
            var markers = System.Text.RegularExpressions.Regex.Matches(response.Answer, @"\[(\d+)\]").Select(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
            Assert.NotEmpty(markers);
            Assert.All(markers, marker => Assert.InRange(marker, 1, response.Sources.Count));
            Assert.Equal(markers, response.Citations.ToHashSet());
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task Scores_LieIn0To1_FallDownTheList_AndARelevantPassageBeatsAnUnrelatedOneOfAnotherQuestion()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var volcano = await AskAsync("What makes a volcano erupt?", maxResults: 20, cancellationToken);
        var tides = await AskAsync("How does the moon affect the tides of the ocean?", maxResults: 20, cancellationToken);
        // Nothing in the corpus answers it: its best passage is still ranked first, and must not look relevant.
        var offTopic = await AskAsync("Who won the football world cup final in 1998?", maxResults: 20, cancellationToken);

        foreach (var response in new[] { volcano, tides, offTopic })
        {
            Assert.All(response.Sources, source => Assert.InRange(source.Score, 0f, 1f));
            for (var i = 1; i < response.Sources.Count; i++)
            {
                Assert.True(response.Sources[i].Score <= response.Sources[i - 1].Score,
                    $"score rose down the list at {i}: {string.Join(", ", response.Sources.Select(source => $"{source.DocumentId} {source.Score:F3}"))}");
            }
        }

        // Every chunk of the corpus came back (20 > 7 chunks), so each question scored every passage.
        Assert.Equal(7, volcano.Sources.Count);
        var relevantToVolcano = volcano.Sources.First(source => source.DocumentId == "volcano").Score;
        var relevantToTides = tides.Sources.First(source => source.DocumentId == "tides").Score;
        var unrelatedToVolcano = volcano.Sources.Where(source => source.DocumentId is "jazz" or "sourdough").Max(source => source.Score);
        var unrelatedToTides = tides.Sources.Where(source => source.DocumentId is "jazz" or "sourdough").Max(source => source.Score);
        Assert.True(relevantToVolcano > unrelatedToTides, $"volcano passage for the volcano question {relevantToVolcano:F3}, unrelated passage for the tides question {unrelatedToTides:F3}");
        Assert.True(relevantToTides > unrelatedToVolcano, $"tides passage for the tides question {relevantToTides:F3}, unrelated passage for the volcano question {unrelatedToVolcano:F3}");
        Assert.InRange(relevantToVolcano, 0.3f, 1f);
        Assert.InRange(relevantToTides, 0.3f, 1f);
        var offTopicBest = offTopic.Sources[0];
        Assert.True(offTopic.Confidence < 0.2f && offTopic.Confidence < relevantToVolcano && offTopic.Confidence < relevantToTides,
            $"the best passage ({offTopicBest.DocumentId}) for a question the corpus cannot answer scored {offTopic.Confidence:F3}; relevant passages {relevantToVolcano:F3}, {relevantToTides:F3}");
    }

    [Fact(Timeout = Timeout)]
    public async Task DocumentIdFilter_ReturnsOnlyThoseDocuments_EvenWhenAnotherAnswersBetter()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var request = new QueryRequest { Question = "What makes a volcano erupt?", MaxResults = 20, Filter = new QueryFilter { DocumentIds = { "jazz", "sourdough" } } };

        var response = await Rag.QueryAsync(request, cancellationToken: cancellationToken);

        Assert.Equal(["jazz", "sourdough"], response.Sources.Select(source => source.DocumentId).Order());
    }

    [Fact(Timeout = Timeout)]
    public async Task MetadataFilter_ReturnsOnlyDocumentsWithThatValue()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var cooking = new QueryRequest { Question = "What makes a volcano erupt?", Filter = new QueryFilter { Metadata = { ["topic"] = "cooking" } } };
        var nothing = new QueryRequest { Question = "What makes a volcano erupt?", Filter = new QueryFilter { Metadata = { ["topic"] = "geology" }, DocumentIds = { "jazz" } } };

        var onlyCooking = await Rag.QueryAsync(cooking, cancellationToken: cancellationToken);
        var none = await Rag.QueryAsync(nothing, cancellationToken: cancellationToken);

        Assert.Equal(["sourdough"], onlyCooking.Sources.Select(source => source.DocumentId));
        Assert.Empty(none.Sources);
        Assert.Equal(0f, none.Confidence);
    }

    [Theory(Timeout = Timeout)]
    [InlineData("  ab  ", 0, "", "question")]
    [InlineData("", 0, "", "question")]
    [InlineData("long", 0, "", "question")]
    [InlineData("What makes a volcano erupt?", 21, "", "max_results")]
    [InlineData("What makes a volcano erupt?", -1, "", "max_results")]
    [InlineData("What makes a volcano erupt?", 0, "not-a-uuid", "session_id")]
    public async Task InvalidQuery_IsInvalidArgument_NamingTheField(string question, int maxResults, string sessionId, string field)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // "long" stands for a question one character over the limit.
        var request = new QueryRequest { Question = question == "long" ? new string('q', 4001) : question, MaxResults = maxResults, SessionId = sessionId };

        var refusal = await Assert.ThrowsAsync<RpcException>(async () => await Rag.QueryAsync(request, cancellationToken: cancellationToken));
        var streamRefusal = await Assert.ThrowsAsync<RpcException>(async () => await ReadStreamAsync(request, cancellationToken));

        foreach (var exception in new[] { refusal, streamRefusal })
        {
            Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
            Assert.StartsWith(field + ":", exception.Status.Detail, StringComparison.Ordinal);
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task BoundaryQuestions_AreAccepted_AfterTrimming()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var shortest = await AskAsync("  jaz  ", maxResults: 1, cancellationToken);
        var longest = await AskAsync("  " + new string('q', 3995) + " jazz  ", maxResults: 20, cancellationToken);

        Assert.Single(shortest.Sources);
        Assert.Equal(7, longest.Sources.Count);
    }

    [Fact(Timeout = Timeout)]
    public async Task ConcurrentQuestions_EachGetTheirOwnAnswer_AndShareModelCalls()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var meterFactory = fixture.Host.Services.GetRequiredService<IMeterFactory>();
        using var batchSizes = new MetricCollector<int>(meterFactory, "RagApp.Rag", "ragapp.rag.embedding.batch.size");
        var questions = QueryCorpus.Documents.SelectMany(entry => entry.Questions.Select(question => (question, entry.DocumentId))).ToList();

        var answers = await Task.WhenAll(questions.Select(async pair => (pair, response: await AskAsync(pair.question, maxResults: 3, cancellationToken))));

        Assert.All(answers, answer => Assert.True(answer.pair.DocumentId == answer.response.Sources[0].DocumentId,
            $"'{answer.pair.question}' got {answer.response.Sources[0].DocumentId} first, expected {answer.pair.DocumentId}"));
        var sizes = batchSizes.GetMeasurementSnapshot().Select(measurement => measurement.Value).ToList();
        Assert.Equal(questions.Count, sizes.Sum());
        Assert.True(sizes.Max() > 1, $"every question ran in a model call of its own: {string.Join(", ", sizes)}");
    }

    [Fact(Timeout = Timeout)]
    public async Task QueryStream_SendsSources_ThenDeltas_ThenCompleted_MatchingQuery()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var request = new QueryRequest { Question = "Where did jazz music originate?", MaxResults = 4 };

        var events = await ReadStreamAsync(request, cancellationToken);
        var unary = await Rag.QueryAsync(request, cancellationToken: cancellationToken);

        Assert.Equal(QueryStreamEvent.EventOneofCase.Sources, events[0].EventCase);
        Assert.Equal(QueryStreamEvent.EventOneofCase.Completed, events[^1].EventCase);
        var deltas = events[1..^1];
        Assert.NotEmpty(deltas);
        Assert.All(deltas, e => Assert.Equal(QueryStreamEvent.EventOneofCase.Delta, e.EventCase));
        Assert.Equal(unary.Sources, events[0].Sources.Sources);
        var completed = events[^1].Completed;
        Assert.Equal(unary.Answer, completed.Answer);
        Assert.Equal(completed.Answer, string.Concat(deltas.Select(e => e.Delta.Text)));
        Assert.Equal(unary.Citations, completed.Citations);
        Assert.Equal(unary.Confidence, completed.Confidence);
        Assert.Equal(fixture.Generation, completed.IndexGeneration);
        Assert.Equal("extractive", completed.Answerer);
        Assert.Equal("all-MiniLM-L6-v2", completed.Model);
        Assert.Equal("jazz", events[0].Sources.Sources[0].DocumentId);
    }

    [Fact(Timeout = Timeout)]
    public async Task IndexOfAnotherModel_IsFailedPrecondition_NamingBothModels()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var directory = new TestDirectory();
        await using var host = await IndexServiceHost.StartAsync(directory.Path, withQueries: true);
        var request = new QueryRequest { Question = "What makes a volcano erupt?" };

        var empty = await host.Rag.QueryAsync(request, cancellationToken: cancellationToken);
        await host.Client.UpsertAsync(TestDocument.Create("other", new Random(5), "Vectors of another model."));
        var refusal = await Assert.ThrowsAsync<RpcException>(async () => await host.Rag.QueryAsync(request, cancellationToken: cancellationToken));

        Assert.Empty(empty.Sources);
        Assert.Equal(0, empty.IndexGeneration);
        Assert.Equal(StatusCode.FailedPrecondition, refusal.StatusCode);
        Assert.Contains($"'{TestDocument.Model}' ({TestDocument.Dimensions} dimensions)", refusal.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("'all-MiniLM-L6-v2' (384 dimensions)", refusal.Status.Detail, StringComparison.Ordinal);
    }

    private async Task<QueryResponse> AskAsync(string question, int maxResults, CancellationToken cancellationToken) =>
        await Rag.QueryAsync(new QueryRequest { Question = question, MaxResults = maxResults }, cancellationToken: cancellationToken);

    private async Task<List<QueryStreamEvent>> ReadStreamAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        using var call = Rag.QueryStream(request, cancellationToken: cancellationToken);
        var events = new List<QueryStreamEvent>();
        await foreach (var streamEvent in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            events.Add(streamEvent);
        }

        return events;
    }
}
