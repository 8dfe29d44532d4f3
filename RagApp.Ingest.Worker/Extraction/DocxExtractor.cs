using System.Runtime.InteropServices;
using DocumentFormat.OpenXml.Packaging;
using Microsoft.Extensions.Options;

namespace RagApp.Ingest.Worker.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>
/// Extracts a DOCX's body in order: paragraphs separated by blank lines, tables one row per line with
/// cells separated by " | ", headings (by paragraph style) giving sections and the title. The ZIP is
/// checked first (<see cref="DocxPackageGuard"/>); parts are then streamed with OpenXmlReader, because
/// OpenXml's DOM loads recursively and overflows the stack on deeply nested XML.
/// </summary>
internal sealed class DocxExtractor(IOptions<ExtractionOptions> options) : IDocumentExtractor
{
    public DocumentFormat Format => DocumentFormat.Docx;

    public ExtractedDocument Extract(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        using var stream = AsStream(content);
        DocxPackageGuard.Check(stream, limits);
        stream.Position = 0;

        using var document = Open(stream, limits);
        var main = document.MainDocumentPart
            ?? throw new DocumentRejectedException("The DOCX file has no document body; it may be another kind of Office file.");
        var styles = DocxHeadingStyles.Read(main.StyleDefinitionsPart, limits.MaxDocxDepth, cancellationToken);

        var builder = new ExtractedTextBuilder(limits.MaxExtractedCharacters);
        var titleParagraph = new DocxBodyReader(builder, styles, limits.MaxDocxDepth).Read(main, cancellationToken);
        return builder.Build(titleParagraph ?? document.PackageProperties.Title);
    }

    private static WordprocessingDocument Open(Stream stream, ExtractionOptions limits)
    {
        try
        {
            return WordprocessingDocument.Open(stream, isEditable: false, new OpenSettings
            {
                AutoSave = false,
                MaxCharactersInPart = limits.MaxDocxUncompressedBytes,
            });
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException or IOException)
        {
            throw new DocumentRejectedException("The DOCX file is damaged or is not a Word document.", ex);
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> content) =>
        MemoryMarshal.TryGetArray(content, out var segment) && segment.Array is not null
            ? new MemoryStream(segment.Array, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);
}
