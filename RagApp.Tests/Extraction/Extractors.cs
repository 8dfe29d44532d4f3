using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Extraction;

internal static class Extractors
{
    public static DocumentExtractor Create(ExtractionOptions? options = null)
    {
        var wrapped = Options.Create(options ?? new ExtractionOptions());
        IDocumentExtractor[] extractors =
        [
            new PlainTextExtractor(wrapped),
            new MarkdownExtractor(wrapped),
            new HtmlExtractor(wrapped),
            new PdfExtractor(wrapped),
            new DocxExtractor(wrapped),
        ];
        return new DocumentExtractor(extractors, wrapped, TimeProvider.System, NullLogger<DocumentExtractor>.Instance);
    }

    /// <summary>The text of a page, section or chunk span.</summary>
    public static string Slice(this ExtractedDocument document, int start, int end) => document.Text[start..end];
}
