using RagApp.Ingest.Worker.Chunking;

namespace RagApp.Tests.Chunking;

public class RecursiveCharacterTextSplitterTests
{
    private static readonly ChunkingOptions Defaults = new();

    public static TheoryData<int, int, int> Documents => new()
    {
        // seed, shortest and longest paragraph
        { 1, 200, 1500 },
        { 2, 50, 400 },
        { 3, 900, 4000 },
        { 4, 20, 120 },
    };

    [Theory]
    [MemberData(nameof(Documents))]
    public void Chunks_AreExactTrimmedSlices_NoLongerThanChunkSize_InOrder(int seed, int minLength, int maxLength)
    {
        var text = string.Join("\n\n", SampleText.Paragraphs(new Random(seed), 40, minLength, maxLength));

        var chunks = new RecursiveCharacterTextSplitter(Defaults).Split(text, TestContext.Current.CancellationToken);

        Assert.NotEmpty(chunks);
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = chunks[i];
            Assert.Equal(i, chunk.Ordinal);
            Assert.Equal(text[chunk.Start..chunk.End], chunk.Text);
            Assert.InRange(chunk.Text.Length, 1, Defaults.ChunkSize);
            Assert.Equal(chunk.Text.Trim(), chunk.Text);
            if (i > 0)
            {
                Assert.True(chunk.Start > chunks[i - 1].Start && chunk.End > chunks[i - 1].End, $"chunk {i} does not move forward");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void EveryNonWhitespaceCharacter_IsInSomeChunk(int seed, int minLength, int maxLength)
    {
        var text = "  \n" + string.Join("\n\n\n", SampleText.Paragraphs(new Random(seed), 40, minLength, maxLength)) + " \n";

        var chunks = new RecursiveCharacterTextSplitter(Defaults).Split(text, TestContext.Current.CancellationToken);

        var covered = new bool[text.Length];
        foreach (var chunk in chunks)
        {
            Array.Fill(covered, true, chunk.Start, chunk.End - chunk.Start);
        }

        var missed = Enumerable.Range(0, text.Length).Where(i => !covered[i] && !char.IsWhiteSpace(text[i])).ToList();
        Assert.Empty(missed);
    }

    [Fact]
    public void ShortParagraphs_AreMergedAndCutOnlyBetweenParagraphs()
    {
        var paragraphs = SampleText.Paragraphs(new Random(5), 60, 100, 300);
        var text = string.Join("\n\n", paragraphs);

        var chunks = new RecursiveCharacterTextSplitter(Defaults).Split(text, TestContext.Current.CancellationToken);

        Assert.True(chunks.Count < paragraphs.Count / 2, "paragraphs should be merged");
        Assert.All(chunks, chunk =>
        {
            Assert.True(chunk.Start == 0 || text[(chunk.Start - 2)..chunk.Start] == "\n\n", "a chunk starts at a paragraph");
            Assert.True(chunk.End == text.Length || text[chunk.End..(chunk.End + 2)] == "\n\n", "a chunk ends at a paragraph");
        });
        Assert.True(chunks.Average(c => c.Text.Length) > Defaults.ChunkSize / 2, $"chunks average {chunks.Average(c => c.Text.Length):F0} characters");
    }

    [Fact]
    public void LongParagraph_IsSplitAtSentences_WithOverlapWithinLimit()
    {
        var text = SampleText.Paragraph(new Random(6), 6000);

        var chunks = new RecursiveCharacterTextSplitter(Defaults).Split(text, TestContext.Current.CancellationToken);

        Assert.True(chunks.Count >= 6);
        Assert.All(chunks, chunk => Assert.EndsWith(".", chunk.Text, StringComparison.Ordinal));
        Assert.All(chunks, chunk => Assert.True(char.IsUpper(chunk.Text[0]), "a chunk starts with a sentence"));
        foreach (var (previous, next) in chunks.Zip(chunks.Skip(1)))
        {
            var overlap = previous.End - next.Start;
            Assert.InRange(overlap, 0, Defaults.ChunkOverlap);
        }

        Assert.Contains(chunks.Zip(chunks.Skip(1)), pair => pair.First.End > pair.Second.Start);
    }

    [Fact]
    public void SeparatorsAreTriedInOrder_LinesBeforeSentences()
    {
        var lines = Enumerable.Range(0, 40).Select(i => $"Line {i} has a sentence. And another one here.").ToArray();
        var text = string.Join("\n", lines);

        var chunks = new RecursiveCharacterTextSplitter(Defaults).Split(text, TestContext.Current.CancellationToken);

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, chunk =>
        {
            Assert.StartsWith("Line ", chunk.Text, StringComparison.Ordinal);
            Assert.EndsWith("another one here.", chunk.Text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void TextWithoutSeparators_IsCutIntoCharacters_WithOverlap_KeepingSurrogatePairsWhole()
    {
        var text = string.Concat(Enumerable.Repeat("ab🌿", 1000));

        var chunks = new RecursiveCharacterTextSplitter(new ChunkingOptions { ChunkSize = 100, ChunkOverlap = 10 }).Split(text, TestContext.Current.CancellationToken);

        Assert.All(chunks, chunk =>
        {
            Assert.InRange(chunk.Text.Length, 1, 100);
            Assert.False(char.IsLowSurrogate(chunk.Text[0]));
            Assert.False(char.IsHighSurrogate(chunk.Text[^1]));
        });
        Assert.All(chunks.Zip(chunks.Skip(1)), pair => Assert.InRange(pair.First.End - pair.Second.Start, 9, 11));
        Assert.Equal(text.Length, chunks[^1].End);
    }

    [Fact]
    public void CustomSeparators_AreUsed_AndCharacterSplittingStillBoundsSize()
    {
        var text = string.Join(" | ", Enumerable.Range(0, 200).Select(i => $"cell{i}")) + new string('x', 500);
        var options = new ChunkingOptions { ChunkSize = 120, ChunkOverlap = 0, Separators = [" | "] };

        var chunks = new RecursiveCharacterTextSplitter(options).Split(text, TestContext.Current.CancellationToken);

        Assert.All(chunks, chunk => Assert.InRange(chunk.Text.Length, 1, 120));
        Assert.All(chunks.SkipLast(6), chunk => Assert.StartsWith("cell", chunk.Text, StringComparison.Ordinal));
        Assert.All(chunks.Zip(chunks.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start, "no overlap was asked for"));
    }

    [Fact]
    public void Splitting_IsDeterministic()
    {
        var text = string.Join("\n\n", SampleText.Paragraphs(new Random(8), 50, 30, 2500));

        var first = new RecursiveCharacterTextSplitter(Defaults).Split(text, TestContext.Current.CancellationToken);
        var second = new RecursiveCharacterTextSplitter(new ChunkingOptions()).Split(new string(text.AsSpan()), TestContext.Current.CancellationToken);

        Assert.Equal(first, second);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(100, 100)]
    [InlineData(100, 150)]
    [InlineData(100, -1)]
    public void InvalidSizes_AreRefused(int size, int overlap) =>
        Assert.ThrowsAny<ArgumentException>(() => new RecursiveCharacterTextSplitter(new ChunkingOptions { ChunkSize = size, ChunkOverlap = overlap }));

    [Fact]
    public void EmptyAndWhitespaceText_GiveNoChunks()
    {
        var splitter = new RecursiveCharacterTextSplitter(Defaults);

        Assert.Empty(splitter.Split(string.Empty, TestContext.Current.CancellationToken));
        Assert.Empty(splitter.Split(" \n\n \t", TestContext.Current.CancellationToken));
    }
}
