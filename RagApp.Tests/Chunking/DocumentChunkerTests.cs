using Microsoft.Extensions.Options;
using RagApp.Ingest.Worker.Chunking;
using RagApp.Ingest.Worker.Extraction;
using RagApp.Tests.Extraction;

namespace RagApp.Tests.Chunking;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

public class DocumentChunkerTests
{
    private readonly DocumentExtractor _extractor = Extractors.Create();

    [Fact]
    public void PdfChunks_KnowTheirPage()
    {
        var document = _extractor.Extract(DocumentFormat.Pdf, PdfFixtures.MultiPage(), TestContext.Current.CancellationToken);
        var chunker = new DocumentChunker(Options.Create(new ChunkingOptions { ChunkSize = 60, ChunkOverlap = 0 }));

        var chunks = chunker.Chunk(document, TestContext.Current.CancellationToken);

        Assert.Equal(2, chunks.Single(c => c.Text.Contains("bracken fern", StringComparison.Ordinal)).Page);
        Assert.Equal(3, chunks.Single(c => c.Text.Contains("maidenhair", StringComparison.Ordinal)).Page);
        Assert.All(chunks, chunk =>
        {
            var page = document.Pages.Single(p => p.PageNumber == chunk.Page);
            Assert.InRange(chunk.Start, page.Start, page.End - 1);
            Assert.Null(chunk.Section);
        });
    }

    [Fact]
    public void MarkdownChunks_KnowTheirSection_TextChunksHaveNeither()
    {
        var markdown = SampleText.Paragraph(new Random(3), 700) + "\n\n# Install\n\n" + SampleText.Paragraph(new Random(1), 700) + "\n\n## Linux\n\n" + SampleText.Paragraph(new Random(2), 700);
        var document = _extractor.Extract(DocumentFormat.Markdown, System.Text.Encoding.UTF8.GetBytes(markdown), TestContext.Current.CancellationToken);
        var chunker = new DocumentChunker(Options.Create(new ChunkingOptions()));

        var chunks = chunker.Chunk(document, TestContext.Current.CancellationToken);

        Assert.Null(chunks[0].Section);
        Assert.Equal("Install > Linux", chunks.Single(c => c.Text.StartsWith("## Linux", StringComparison.Ordinal)).Section);
        Assert.Contains(chunks, c => c.Section == "Install");
        Assert.All(chunks, chunk =>
        {
            Assert.Equal(0, chunk.Page);
            Assert.Equal(document.Text[chunk.Start..chunk.End], chunk.Text);
        });
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(c => c.Ordinal));
    }
}
