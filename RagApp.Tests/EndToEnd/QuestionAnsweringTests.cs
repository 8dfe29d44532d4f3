using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RagApp.Tests.EndToEnd;

/// <summary>
/// The read path through the whole application, as a user meets it: documents uploaded over REST, then questions
/// asked over REST, answered with the passages they came from (the local extractive answerer, no chat model).
/// </summary>
[Collection(GarnetAppCollection.Name)]
public sealed partial class QuestionAnsweringTests(GarnetAppFixture fixture)
{
    private static readonly SemaphoreSlim CorpusGate = new(1, 1);
    private static bool _corpusIndexed;

    private static readonly (string Id, string Title, string Team, string Text)[] Corpus =
    [
        ("qa-ann-arbor", "Ann Arbor, Michigan", "cities",
            "Ann Arbor is a city in the US state of Michigan. Ann Arbor was founded in 1824 by the land speculators John Allen and Elisha Walker Rumsey. "
            + "The University of Michigan moved from Detroit to Ann Arbor in 1837, and the city has been shaped by the university ever since. "
            + "The Huron River flows through the city, which is known for its many parks and its tree-lined streets."),
        ("qa-palo-alto", "Palo Alto, California", "cities",
            "Palo Alto is a charter city in Santa Clara County, California. It was established by Leland Stanford when he founded Stanford University next to it in 1891. "
            + "The city takes its name from a tall redwood tree called El Palo Alto. Many technology companies, such as Hewlett-Packard, started in garages of Palo Alto."),
        ("qa-sourdough", "Sourdough bread", "food",
            "Sourdough bread is made by the fermentation of dough using naturally occurring lactobacilli and yeast. "
            + "The starter culture of flour and water is fed daily, and its lactic acid gives the bread its sour taste. "
            + "Sourdough needs no commercial baker's yeast to rise; the wild yeast in the starter produces the carbon dioxide."),
        ("qa-tides", "Tides", "science",
            "Tides are the rise and fall of sea levels caused by the gravitational forces of the Moon and the Sun acting on the rotating Earth. "
            + "Most coastlines see two high tides and two low tides every lunar day of about 24 hours and 50 minutes. "
            + "Spring tides, the largest, happen when the Sun and the Moon are aligned at new and full moon."),
    ];

    private static readonly string[] PaloAltoOnly = ["qa-palo-alto"];

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("When was Ann Arbor founded?", "1824", "qa-ann-arbor")]
    [InlineData("What does sourdough use instead of commercial yeast to rise?", "wild yeast", "qa-sourdough")]
    [InlineData("What causes the tides?", "Moon", "qa-tides")]
    public async Task KnownQuestion_IsAnsweredWithTheFact_AndACitationOfItsDocument(string question, string fact, string documentId)
    {
        var api = await IndexedApiAsync();

        var response = await AskAsync(api, new { question });

        Assert.False(response.GetProperty("abstained").GetBoolean(), $"Abstained on \"{question}\": {response}");
        var answer = response.GetProperty("answer").GetString()!;
        Assert.Contains(fact, answer, StringComparison.OrdinalIgnoreCase);
        var sources = response.GetProperty("sources").EnumerateArray().ToList();
        Assert.Contains(sources, source => source.GetProperty("document_id").GetString() == documentId);
        // The marker after the fact points at a source of the document that holds it.
        var marker = CitationAfter(answer, fact);
        Assert.True(marker is not null, $"No citation marker after \"{fact}\" in \"{answer}\".");
        Assert.InRange(marker.Value, 1, sources.Count);
        Assert.Equal(documentId, sources[marker.Value - 1].GetProperty("document_id").GetString());
        Assert.Contains(marker.Value, response.GetProperty("citations").EnumerateArray().Select(citation => citation.GetInt32()));
        Assert.Equal("extractive", response.GetProperty("answerer").GetString());
        Assert.False(response.GetProperty("cached").GetBoolean());
        Assert.InRange(response.GetProperty("confidence").GetDouble(), 0.5, 1);
        Assert.True(response.GetProperty("latency_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task FollowUpInTheSameSession_IsAnsweredFromTheHistory()
    {
        var api = await IndexedApiAsync();
        var session = Guid.NewGuid().ToString();

        var first = await AskAsync(api, new { question = "When was Ann Arbor founded?", session_id = session });
        var followUp = await AskAsync(api, new { question = "Which university moved there?", session_id = session });

        Assert.Contains("1824", first.GetProperty("answer").GetString()!, StringComparison.Ordinal);
        // The follow-up names no city: only the history says it is about Ann Arbor.
        Assert.Contains("Ann Arbor", followUp.GetProperty("retrieval_question").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("qa-ann-arbor", followUp.GetProperty("sources")[0].GetProperty("document_id").GetString());
        Assert.Contains("University of Michigan", followUp.GetProperty("answer").GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QuestionTheCorpusCannotAnswer_GetsDoNotKnow_WithLowConfidence()
    {
        var api = await IndexedApiAsync();

        var response = await AskAsync(api, new { question = "Who composed the opera The Magic Flute?" });

        Assert.True(response.GetProperty("abstained").GetBoolean(), $"Answered a question no document answers: {response}");
        Assert.Contains("do not answer", response.GetProperty("answer").GetString()!, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(response.GetProperty("citations").EnumerateArray());
        Assert.InRange(response.GetProperty("confidence").GetDouble(), 0, 0.5);
    }

    [Fact]
    public async Task Filters_RestrictTheSources()
    {
        var api = await IndexedApiAsync();

        var byDocument = await AskAsync(api, new { question = "When was the city founded?", filter = new { document_ids = PaloAltoOnly } });
        var byMetadata = await AskAsync(api, new { question = "When was the city founded?", max_results = 10, filter = new { metadata = new Dictionary<string, string> { ["team"] = "food" } } });

        var documents = byDocument.GetProperty("sources").EnumerateArray().Select(source => source.GetProperty("document_id").GetString()).ToList();
        Assert.NotEmpty(documents);
        Assert.All(documents, document => Assert.Equal("qa-palo-alto", document));
        var teams = byMetadata.GetProperty("sources").EnumerateArray().Select(source => source.GetProperty("metadata").GetProperty("team").GetString()).ToList();
        Assert.NotEmpty(teams);
        Assert.All(teams, team => Assert.Equal("food", team));
    }

    [Fact]
    public async Task MarkdownWithACodeListing_IsAnsweredWithItsProse_NotTheListingOrTheHeading()
    {
        var api = await IndexedApiAsync();
        // The listing's comments repeat the question's words; only the prose line answers it.
        const string markdown = """
            # Ownership rules

            ```rust
            fn main() {
                let s = String::from("hello"); // s is the owner of the value
            } // here the owner s goes out of scope and the value is dropped
            ```

            Each value has an owner, and there can only be one owner at a time.
            When the owner goes out of scope, the value will be dropped.
            """;
        var accepted = await api.UploadFileAsync("qa-ownership.md", "text/markdown", Encoding.UTF8.GetBytes(markdown), cancellationToken: Cancellation);
        var status = (await api.WaitForJobAsync(accepted.GetProperty("job_id").GetString()!, Cancellation)).GetProperty("status").GetString();
        Assert.True(status is "succeeded" or "unchanged", $"job ended {status}");

        var response = await AskAsync(api, new
        {
            question = "What happens to a value when its owner goes out of scope?",
            filter = new { document_ids = new[] { accepted.GetProperty("document_id").GetString() } },
        });

        var answer = response.GetProperty("answer").GetString()!;
        Assert.Equal("When the owner goes out of scope, the value will be dropped. [1]", answer);
    }

    [Fact]
    public async Task Stream_SendsSources_ThenDeltas_ThenCompleted_MatchingTheAnswer()
    {
        var api = await IndexedApiAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/query/stream") { Content = JsonContent.Create(new { question = "When was Ann Arbor founded?" }) };

        using var response = await api.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
        var events = await ReadEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("sources", events[0].Name);
        Assert.Equal("completed", events[^1].Name);
        var deltas = events[1..^1];
        Assert.NotEmpty(deltas);
        Assert.All(deltas, delta => Assert.Equal("delta", delta.Name));
        var completed = events[^1].Data;
        var text = string.Concat(deltas.Select(delta => delta.Data.GetProperty("text").GetString()));
        Assert.Equal(completed.GetProperty("answer").GetString(), text);
        Assert.Contains("1824", text, StringComparison.Ordinal);
        Assert.True(completed.GetProperty("confidence").GetDouble() > 0.5);
        Assert.True(completed.GetProperty("latency_ms").GetDouble() > 0);
        Assert.Contains(events[0].Data.GetProperty("sources").EnumerateArray(), source => source.GetProperty("document_id").GetString() == "qa-ann-arbor");
    }

    private static int? CitationAfter(string answer, string fact)
    {
        var at = answer.IndexOf(fact, StringComparison.OrdinalIgnoreCase);
        var match = Marker().Match(answer, at);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private async Task<GatewayApi> IndexedApiAsync()
    {
        var api = fixture.CreateGatewayApi();
        await CorpusGate.WaitAsync(Cancellation);
        try
        {
            if (!_corpusIndexed)
            {
                var jobs = new List<string>();
                foreach (var (id, title, team, text) in Corpus)
                {
                    var accepted = await api.UploadTextAsync(text, title, id, new Dictionary<string, object> { ["team"] = team }, Cancellation);
                    jobs.Add(accepted.GetProperty("job_id").GetString()!);
                }

                foreach (var job in jobs)
                {
                    var status = (await api.WaitForJobAsync(job, Cancellation)).GetProperty("status").GetString();
                    Assert.True(status is "succeeded" or "unchanged", $"job {job} ended {status}");
                }

                _corpusIndexed = true;
            }
        }
        finally
        {
            CorpusGate.Release();
        }

        return api;
    }

    private static async Task<JsonElement> AskAsync(GatewayApi api, object body)
    {
        using var response = await api.Client.PostAsJsonAsync("/api/v1/query", body, Cancellation);
        var text = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {text}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static async Task<List<(string Name, JsonElement Data)>> ReadEventsAsync(HttpResponseMessage response)
    {
        var events = new List<(string Name, JsonElement Data)>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation), Encoding.UTF8);
        string? name = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(Cancellation) is { } line)
        {
            if (line.Length == 0)
            {
                if (name is not null)
                {
                    using var document = JsonDocument.Parse(data.ToString());
                    events.Add((name, document.RootElement.Clone()));
                }

                (name, data) = (null, new StringBuilder());
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                name = line["event:".Length..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line["data:".Length..].TrimStart());
            }
        }

        return events;
    }

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Marker();
}
