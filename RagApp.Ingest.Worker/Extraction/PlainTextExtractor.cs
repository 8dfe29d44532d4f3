using Microsoft.Extensions.Options;

namespace RagApp.Ingest.Worker.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

internal sealed class PlainTextExtractor(IOptions<ExtractionOptions> options) : IDocumentExtractor
{
    public DocumentFormat Format => DocumentFormat.PlainText;

    public ExtractedDocument Extract(ReadOnlyMemory<byte> content, CancellationToken cancellationToken) =>
        new(TextDecoding.Decode(content.Span, options.Value.MaxExtractedCharacters), Title: null, Pages: [], Sections: []);
}
