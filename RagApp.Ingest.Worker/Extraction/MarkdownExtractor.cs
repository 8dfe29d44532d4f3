using Microsoft.Extensions.Options;

namespace RagApp.Ingest.Worker.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>
/// Keeps Markdown as it is (headings give chunks their context) and finds its sections from ATX and Setext
/// headings. Not a full CommonMark parser: it knows just enough block structure (fences, indented code,
/// front matter, lists and quotes) not to mistake other lines for headings.
/// </summary>
internal sealed class MarkdownExtractor(IOptions<ExtractionOptions> options) : IDocumentExtractor
{
    public DocumentFormat Format => DocumentFormat.Markdown;

    public ExtractedDocument Extract(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var text = TextDecoding.Decode(content.Span, options.Value.MaxExtractedCharacters);
        var outline = MarkdownHeadingScanner.Scan(text, cancellationToken);
        return new ExtractedDocument(text, outline.FirstTopLevelTitle, Pages: [], outline.ToSections(text.Length));
    }
}
