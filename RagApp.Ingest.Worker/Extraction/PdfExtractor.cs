using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace RagApp.Ingest.Worker.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>
/// Extracts PDF text page by page in content order (PdfPig's ContentOrderTextExtractor, which inserts spaces
/// and line breaks from the glyph geometry), pages separated by a blank line and recorded as page spans.
/// </summary>
internal sealed partial class PdfExtractor(IOptions<ExtractionOptions> options) : IDocumentExtractor
{
    // Readers look for the end-of-file marker near the end; "%%EOF" may be followed by a little junk.
    private const int EndOfFileSearchBytes = 1024;

    public DocumentFormat Format => DocumentFormat.Pdf;

    public ExtractedDocument Extract(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var limits = options.Value;

        // PdfPig's lenient parser recovers what it can from a truncated file; half a document indexed
        // as if it were whole is worse than a clear rejection.
        if (content.Span[Math.Max(0, content.Length - EndOfFileSearchBytes)..].IndexOf("%%EOF"u8) < 0)
        {
            throw new DocumentRejectedException("The PDF is incomplete (it has no end-of-file marker); it was probably cut off during upload.");
        }

        using var pdf = Open(content);
        if (pdf.NumberOfPages > limits.MaxPdfPages)
        {
            throw new DocumentRejectedException(string.Create(CultureInfo.InvariantCulture,
                $"The PDF has {pdf.NumberOfPages:N0} pages; at most {limits.MaxPdfPages:N0} are accepted. Split it into smaller files."));
        }

        var builder = new ExtractedTextBuilder(limits.MaxExtractedCharacters);
        for (var pageNumber = 1; pageNumber <= pdf.NumberOfPages; pageNumber++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = pdf.GetPage(pageNumber);
            var pageText = CleanPageText(ContentOrderTextExtractor.GetText(page));
            builder.RequestParagraphBreak();
            var start = builder.AppendPreformatted(pageText);
            if (start >= 0)
            {
                builder.AddPage(pageNumber, start);
            }
        }

        if (builder.Length == 0)
        {
            throw new DocumentRejectedException("The PDF contains no extractable text; it may be scanned images without a text layer.");
        }

        return builder.Build(pdf.Information.Title);
    }

    private static PdfDocument Open(ReadOnlyMemory<byte> content)
    {
        try
        {
            return PdfDocument.Open(content, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw new DocumentRejectedException("The PDF is password-protected; upload a copy without a password.", ex);
        }
    }

    // Trailing spaces on lines and runs of blank lines carry no meaning and would make page breaks ambiguous.
    private static string CleanPageText(string text)
    {
        text = ControlCharacters().Replace(TextDecoding.NormalizeLineEndings(text), string.Empty);
        text = TrailingSpaces().Replace(text, "\n");
        return BlankLines().Replace(text, "\n\n").Trim();
    }

    // Glyphs without a Unicode mapping come out as control characters.
    [GeneratedRegex(@"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F]")]
    private static partial Regex ControlCharacters();

    [GeneratedRegex(@"[ \t]+\n")]
    private static partial Regex TrailingSpaces();

    [GeneratedRegex(@"\n{3,}")]
    private static partial Regex BlankLines();
}
