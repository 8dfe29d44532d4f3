using System.Globalization;
using System.Text.RegularExpressions;
using RagApp.Rag.Answers;
using RagApp.Tests.Embeddings;

namespace RagApp.Tests.Answers;

/// <summary>The extractive answerer with the real MiniLM model: facts found and cited, off-topic questions refused.</summary>
[Collection(MiniLmCollection.Name)]
public sealed partial class ExtractiveAnswererTests(MiniLmFixture fixture)
{
    private static readonly AnswerPassage[] Passages =
    [
        new(1, "cranfield-1", "cranfield-1#0", "Boundary layers",
            "Experiments were made on the boundary layer of a flat plate at supersonic speeds. The skin friction fell as the Mach number rose. Heat transfer was measured with thin-film gauges.", 0.71f),
        new(2, "ann-arbor", "ann-arbor#0", "Ann Arbor, Michigan",
            "Ann Arbor was founded in 1824 by land speculators. It was named for the wives of the village's founders and the stands of bur oak trees. The University of Michigan moved from Detroit to Ann Arbor in 1837.", 0.64f),
        new(3, "bacteria", "bacteria#0", "Bacteria",
            "Bacteria are a large domain of prokaryotic microorganisms. Typically a few micrometres in length, they have many shapes, from spheres to rods and spirals. Fimbriae are fine filaments of protein.", 0.52f),
    ];

    private readonly ExtractiveAnswerer _answerer = new(fixture.Generator);

    [Fact]
    public async Task KnownFact_AnswerHoldsTheFactAndCitesItsPassage()
    {
        var answer = await AnswerAsync("When was Ann Arbor founded?", Passages);

        Assert.False(answer.Abstained, $"Abstained (confidence {answer.Confidence}) on a question its second passage answers.");
        Assert.Contains("1824", answer.Text, StringComparison.Ordinal);
        Assert.Contains("[2]", answer.Text, StringComparison.Ordinal);
        Assert.Contains(2, answer.CitedPassages);
        // The marker follows the sentence that holds the fact.
        Assert.Matches(@"1824[^\[]*\[2\]", answer.Text);
    }

    [Fact]
    public async Task OffTopicQuestion_AbstainsWithLowConfidence()
    {
        var answer = await AnswerAsync("Who composed the opera The Magic Flute?", Passages);

        Assert.True(answer.Abstained, $"Answered \"{answer.Text}\" (confidence {answer.Confidence}) though no passage is about operas.");
        Assert.Equal(ExtractiveAnswerer.AbstentionText, answer.Text);
        Assert.Empty(answer.CitedPassages);
        Assert.True(answer.Confidence < 0.5f, $"Confidence {answer.Confidence} for an abstention.");
    }

    [Theory]
    [InlineData("When was Ann Arbor founded?")]
    [InlineData("What happened to skin friction at higher Mach numbers?")]
    [InlineData("What shapes do bacteria have?")]
    [InlineData("Which university moved from Detroit?")]
    [InlineData("How were heat transfer rates measured?")]
    public async Task Markers_ReferenceOnlyPassagesGivenAndMatchTheCitedList(string question)
    {
        // Numbered 4, 7 and 9, as a caller's list may be after filtering: markers must use these numbers, not positions.
        AnswerPassage[] renumbered = [Passages[0] with { Number = 4 }, Passages[1] with { Number = 7 }, Passages[2] with { Number = 9 }];

        var answer = await AnswerAsync(question, renumbered);

        var markers = Marker().Matches(answer.Text).Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)).ToHashSet();
        Assert.False(answer.Abstained, $"Abstained (confidence {answer.Confidence}) on \"{question}\", which a passage answers.");
        Assert.NotEmpty(markers);
        Assert.Subset(new HashSet<int> { 4, 7, 9 }, markers);
        Assert.Equal(markers, answer.CitedPassages.ToHashSet());
    }

    [Fact]
    public async Task NoPassages_Abstains()
    {
        var answer = await AnswerAsync("When was Ann Arbor founded?", []);

        Assert.True(answer.Abstained);
        Assert.Equal(ExtractiveAnswerer.AbstentionText, answer.Text);
        Assert.Empty(answer.CitedPassages);
        Assert.Equal(0f, answer.Confidence);
    }

    [Fact]
    public async Task CancelledToken_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            _answerer.AnswerAsync(new AnswerRequest("When was Ann Arbor founded?", ReadOnlyMemory<float>.Empty, Passages), cancellation.Token));
    }

    [Fact]
    public async Task PassagesWithRetrievalSimilarity_NeedNoModelCall()
    {
        var counting = new CountingEmbeddingGenerator(fixture.Generator);
        var answerer = new ExtractiveAnswerer(counting);
        var question = "When was Ann Arbor founded?";
        var vector = (await fixture.Generator.GenerateAsync([question], cancellationToken: TestContext.Current.CancellationToken))[0].Vector;
        var withSimilarity = await WithSimilarityAsync(vector, Passages);

        var answer = await answerer.AnswerAsync(new AnswerRequest(question, vector, withSimilarity), TestContext.Current.CancellationToken);

        Assert.Equal(0, counting.Texts);
        Assert.False(answer.Abstained, $"Abstained (confidence {answer.Confidence}).");
        Assert.Matches(@"1824[^\[]*\[2\]", answer.Text);
    }

    [Fact]
    public async Task EmbedSentences_EmbedsEachCandidateSentence()
    {
        var counting = new CountingEmbeddingGenerator(fixture.Generator);
        var answerer = new ExtractiveAnswerer(counting, new ExtractiveAnswerOptions { EmbedSentences = true });
        var question = "When was Ann Arbor founded?";
        var vector = (await fixture.Generator.GenerateAsync([question], cancellationToken: TestContext.Current.CancellationToken))[0].Vector;
        var withSimilarity = await WithSimilarityAsync(vector, Passages);

        var answer = await answerer.AnswerAsync(new AnswerRequest(question, vector, withSimilarity), TestContext.Current.CancellationToken);

        Assert.Equal(Passages.Sum(passage => SentenceSplitter.Split(passage.Text).Count), counting.Texts);
        Assert.Contains("1824", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_YieldsDeltasThatMakeTheAnswerThenTheComposedAnswer()
    {
        var question = "When was Ann Arbor founded?";
        var vector = (await fixture.Generator.GenerateAsync([question], cancellationToken: TestContext.Current.CancellationToken))[0].Vector;
        var updates = new List<AnswerUpdate>();
        await foreach (var update in _answerer.StreamAsync(new AnswerRequest(question, vector, Passages), TestContext.Current.CancellationToken))
        {
            updates.Add(update);
        }

        var done = Assert.IsType<ComposedAnswer>(updates[^1].Done);
        Assert.All(updates[..^1], update => Assert.Null(update.Done));
        Assert.NotEmpty(updates[..^1]);
        Assert.Equal(done.Text, string.Concat(updates[..^1].Select(update => update.Delta)));
        Assert.Contains("1824", done.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CodeListingFullOfTheQuestionsWords_AnswerQuotesTheProseRuleInstead()
    {
        // Chunks of an HTML chapter, as the extractor writes them: the top one a code listing whose comments repeat
        // the question's words, the second the rule that answers it, under its heading.
        AnswerPassage[] chapter =
        [
            new(1, "ownership.html", "ownership.html#40", "What is Ownership?", """
                Filename: src/main.rs

                fn main() {
                    let s1 = gives_ownership();        // gives_ownership moves its return
                                                       // value into s1
                    let s2 = String::from("hello");    // s2 comes into scope
                } // Here, s3 goes out of scope and is dropped. s2 was moved, so nothing
                  // happens. s1 goes out of scope and is dropped.
                """, 0.59f),
            new(2, "ownership.html", "ownership.html#8", "What is Ownership?", """
                Ownership Rules

                First, let's take a look at the ownership rules:

                Each value in Rust has an owner.
                There can only be one owner at a time.
                When the owner goes out of scope, the value will be dropped.
                """, 0.59f),
        ];
        var question = "What happens to a value when its owner goes out of scope?";

        var answer = await AnswerWithSimilarityAsync(question, chapter);

        Assert.False(answer.Abstained, $"Abstained (confidence {answer.Confidence}).");
        Assert.Contains("When the owner goes out of scope, the value will be dropped. [2]", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("fn main", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Ownership Rules", answer.Text, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', answer.Text);
    }

    [Fact]
    public async Task SentenceInTwoOverlappingChunks_QuotedOnce()
    {
        const string rules = "Each value in Rust has an owner. There can only be one owner at a time. When the owner goes out of scope, the value will be dropped.";
        AnswerPassage[] overlapping =
        [
            new(1, "ownership.html", "ownership.html#7", "What is Ownership?", "Ownership addresses these problems. " + rules, 0.6f),
            new(2, "ownership.html", "ownership.html#8", "What is Ownership?", rules + " Variable scope comes next.", 0.6f),
        ];

        var answer = await AnswerWithSimilarityAsync("What happens to a value when its owner goes out of scope?", overlapping);

        Assert.Single(Regex.Matches(answer.Text, "the value will be dropped"));
    }

    [Fact]
    public async Task TermsInTheSentenceOutweighTheSameTermsInTheChunksTitle()
    {
        // A chapter's title is on every chunk of it; the chunk's first sentence only mentions "objects".
        AnswerPassage[] chapter =
        [
            new(1, "trait-objects.html", "trait-objects.html#5", "Using Trait Objects That Allow for Values of Different Types",
                "We have mentioned that, in Rust, we refrain from calling structs and enums objects to distinguish them from other languages' objects. "
                + "In a struct or enum, the data in the struct fields and the behavior in impl blocks are separated. "
                + "A trait object points to both an instance of a type implementing our specified trait and a table used to look up trait methods on that type at runtime.", 0.7f),
        ];

        var answer = await AnswerWithSimilarityAsync("What is a trait object?", chapter);

        Assert.StartsWith("A trait object points to both an instance", answer.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyCodeRetrieved_AnswerStillQuotesIt()
    {
        AnswerPassage[] listing =
        [
            new(1, "threads.rs", "threads.rs#0", "threads.rs", """
                use std::thread;

                fn main() {
                    let handle = thread::spawn(|| {
                        println!("hello from the spawned thread");
                    });
                    handle.join().unwrap();
                }
                """, 0.7f),
        ];

        var answer = await AnswerWithSimilarityAsync("How do I spawn a thread and join it?", listing);

        Assert.False(answer.Abstained, $"Abstained (confidence {answer.Confidence}) though the only passage is the code asked about.");
        Assert.Contains("thread::spawn", answer.Text, StringComparison.Ordinal);
        Assert.Contains("[1]", answer.Text, StringComparison.Ordinal);
    }

    private async Task<AnswerPassage[]> WithSimilarityAsync(ReadOnlyMemory<float> vector, IReadOnlyList<AnswerPassage> passages)
    {
        var texts = passages.Select(passage => $"{passage.Title}. {passage.Text}").ToList();
        var vectors = await fixture.Generator.GenerateAsync(texts, cancellationToken: TestContext.Current.CancellationToken);
        return [.. passages.Select((passage, i) => passage with { Similarity = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(vector.Span, vectors[i].Vector.Span) })];
    }

    // As RagApp.Rag answers: each passage carries its retrieval similarity, so no sentence is embedded.
    private async Task<ComposedAnswer> AnswerWithSimilarityAsync(string question, IReadOnlyList<AnswerPassage> passages)
    {
        var vector = (await fixture.Generator.GenerateAsync([question], cancellationToken: TestContext.Current.CancellationToken))[0].Vector;
        var withSimilarity = await WithSimilarityAsync(vector, passages);
        return await _answerer.AnswerAsync(new AnswerRequest(question, vector, withSimilarity), TestContext.Current.CancellationToken);
    }

    private async Task<ComposedAnswer> AnswerAsync(string question, IReadOnlyList<AnswerPassage> passages)
    {
        var vector = (await fixture.Generator.GenerateAsync([question], cancellationToken: TestContext.Current.CancellationToken))[0].Vector;
        return await _answerer.AnswerAsync(new AnswerRequest(question, vector, passages), TestContext.Current.CancellationToken);
    }

    [GeneratedRegex(@"\[(\d+)\]")]
    private static partial Regex Marker();
}
