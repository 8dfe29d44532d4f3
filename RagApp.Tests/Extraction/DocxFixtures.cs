using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace RagApp.Tests.Extraction;

/// <summary>DOCX files written with OpenXml, and hostile variants of them.</summary>
internal static class DocxFixtures
{
    private const string WordNamespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

    /// <summary>
    /// A handbook with localised style ids (as German Word writes them) so that headings must be found by
    /// style name, a custom heading style based on a built-in one, a table, and a core-properties title
    /// that the Title paragraph overrides.
    /// </summary>
    public static byte[] Handbook()
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            var styles = main.AddNewPart<StyleDefinitionsPart>();
            styles.Styles = new Styles(
                ParagraphStyle("Titel", "Title"),
                ParagraphStyle("berschrift1", "heading 1"),
                ParagraphStyle("berschrift2", "heading 2"),
                ParagraphStyle("Kapitel", "Chapter Heading", basedOn: "berschrift2"));

            main.Document = new Document(new Body(
                Paragraph("Titel", "Gardening Handbook"),
                Paragraph(null, "A short guide for new gardeners."),
                Paragraph("berschrift1", "Soil"),
                Paragraph(null, "Good soil drains well and holds nutrients."),
                Paragraph("berschrift2", "Compost"),
                Paragraph(null, "Compost feeds the soil life."),
                new Table(
                    Row("Material", "Weeks"),
                    Row("Leaves", "26"),
                    Row("Grass", "8")),
                Paragraph("berschrift1", "Watering"),
                Paragraph("Kapitel", "Mornings"),
                new Paragraph(
                    new Run(new Text("Water early,")),
                    new Run(new Break(), new Text("before the heat.")))));
            document.PackageProperties.Title = "Core properties title";
        }

        return stream.ToArray();
    }

    /// <summary>A valid DOCX plus a media entry of zeros that compresses about a thousand to one.</summary>
    public static byte[] WithZeroFilledEntry(long uncompressedBytes)
    {
        using var stream = new MemoryStream();
        stream.Write(Handbook());
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("word/media/image1.bin", CompressionLevel.SmallestSize).Open();
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < uncompressedBytes; written += zeros.Length)
            {
                entry.Write(zeros, 0, (int)Math.Min(zeros.Length, uncompressedBytes - written));
            }
        }

        return stream.ToArray();
    }

    /// <summary>A DOCX whose document.xml holds <paramref name="depth"/> nested content controls.</summary>
    public static byte[] DeeplyNested(int depth)
    {
        var xml = new StringBuilder($"<w:document xmlns:w=\"{WordNamespace}\"><w:body>");
        xml.Insert(xml.Length, "<w:sdt><w:sdtContent>", depth);
        xml.Append("<w:p><w:r><w:t>deep</w:t></w:r></w:p>");
        xml.Insert(xml.Length, "</w:sdtContent></w:sdt>", depth);
        xml.Append("</w:body></w:document>");
        return WithDocumentXml(Encoding.UTF8.GetBytes(xml.ToString()));
    }

    /// <summary>A DOCX whose document.xml is <paramref name="documentXml"/>, written as is.</summary>
    public static byte[] WithDocumentXml(byte[] documentXml)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            using var part = document.AddMainDocumentPart().GetStream(FileMode.Create);
            part.Write(documentXml);
        }

        return stream.ToArray();
    }

    /// <summary>
    /// Rewrites the uncompressed size that the local header and the central directory declare for one entry,
    /// as a zip bomb that lies about its size would.
    /// </summary>
    public static byte[] WithDeclaredLength(byte[] zip, string entryName, uint declaredLength)
    {
        var patched = (byte[])zip.Clone();
        var span = patched.AsSpan();
        var name = Encoding.UTF8.GetBytes(entryName);
        for (var i = span.LastIndexOf("PK\x05\x06"u8); i >= 0 && i < span.Length; i--)
        {
            if (!span[i..].StartsWith("PK\x01\x02"u8))
            {
                continue;
            }

            var nameLength = BinaryPrimitives.ReadUInt16LittleEndian(span[(i + 28)..]);
            if (!span.Slice(i + 46, nameLength).SequenceEqual(name))
            {
                continue;
            }

            BinaryPrimitives.WriteUInt32LittleEndian(span[(i + 24)..], declaredLength);
            var localHeader = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[(i + 42)..]);
            BinaryPrimitives.WriteUInt32LittleEndian(span[(localHeader + 22)..], declaredLength);
            return patched;
        }

        throw new InvalidOperationException($"No entry {entryName} in the archive.");
    }

    private static Style ParagraphStyle(string id, string name, string? basedOn = null)
    {
        var style = new Style(new StyleName { Val = name }) { Type = StyleValues.Paragraph, StyleId = id };
        if (basedOn is not null)
        {
            style.Append(new BasedOn { Val = basedOn });
        }

        return style;
    }

    private static Paragraph Paragraph(string? styleId, string text)
    {
        var paragraph = new Paragraph();
        if (styleId is not null)
        {
            paragraph.Append(new ParagraphProperties(new ParagraphStyleId { Val = styleId }));
        }

        paragraph.Append(new Run(new Text(text) { Space = SpaceProcessingModeValues.Preserve }));
        return paragraph;
    }

    private static TableRow Row(params string[] cells) =>
        new(cells.Select(cell => new TableCell(Paragraph(null, cell))));
}
