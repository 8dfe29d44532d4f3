using System.Text;

namespace RagApp.Tests.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

public class DocumentFormatsTests
{
    [Theory]
    [InlineData("text/plain", DocumentFormat.PlainText)]
    [InlineData("text/plain; charset=utf-8", DocumentFormat.PlainText)]
    [InlineData("TEXT/Markdown", DocumentFormat.Markdown)]
    [InlineData("text/x-markdown", DocumentFormat.Markdown)]
    [InlineData(" text/html ;charset=UTF-8", DocumentFormat.Html)]
    [InlineData("application/xhtml+xml", DocumentFormat.Html)]
    [InlineData("application/pdf", DocumentFormat.Pdf)]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", DocumentFormat.Docx)]
    public void TryFromContentType_KnownTypes_IgnoresParametersAndCase(string contentType, DocumentFormat expected)
    {
        Assert.True(DocumentFormats.TryFromContentType(contentType, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("image/png")]
    [InlineData("application/msword")]
    [InlineData("application/octet-stream")]
    public void TryFromContentType_UnknownTypes_ReturnsFalse(string? contentType) =>
        Assert.False(DocumentFormats.TryFromContentType(contentType, out _));

    [Theory]
    [InlineData("notes.txt", DocumentFormat.PlainText)]
    [InlineData("notes.TEXT", DocumentFormat.PlainText)]
    [InlineData("README.md", DocumentFormat.Markdown)]
    [InlineData("guide.markdown", DocumentFormat.Markdown)]
    [InlineData("index.htm", DocumentFormat.Html)]
    [InlineData("dir/index.html", DocumentFormat.Html)]
    [InlineData("paper.PDF", DocumentFormat.Pdf)]
    [InlineData("letter.docx", DocumentFormat.Docx)]
    public void TryFromFileName_KnownExtensions(string fileName, DocumentFormat expected)
    {
        Assert.True(DocumentFormats.TryFromFileName(fileName, out var format));
        Assert.Equal(expected, format);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("archive.zip")]
    [InlineData("letter.doc")]
    [InlineData("Makefile")]
    public void TryFromFileName_UnknownExtensions_ReturnsFalse(string? fileName) =>
        Assert.False(DocumentFormats.TryFromFileName(fileName, out _));

    [Fact]
    public void ContentTypeOf_RoundTripsEveryFormat()
    {
        foreach (var format in Enum.GetValues<DocumentFormat>())
        {
            Assert.True(DocumentFormats.TryFromContentType(DocumentFormats.ContentTypeOf(format), out var back));
            Assert.Equal(format, back);
        }
    }

    [Theory]
    [InlineData("application/pdf", "x.txt", DocumentFormat.Pdf)]
    [InlineData("application/octet-stream", "report.pdf", DocumentFormat.Pdf)]
    [InlineData(null, "report.docx", DocumentFormat.Docx)]
    [InlineData("", "page.html", DocumentFormat.Html)]
    [InlineData("text/plain", "README.md", DocumentFormat.Markdown)]
    [InlineData("text/plain", "notes.txt", DocumentFormat.PlainText)]
    public void Resolve_DeclaredTypeWins_OctetStreamFallsBackToExtension(string? contentType, string fileName, DocumentFormat expected)
    {
        Assert.True(DocumentFormats.Resolve(contentType, fileName, out var format, out var problem));
        Assert.Equal(expected, format);
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("image/png", "photo.png", "unsupported content type 'image/png'")]
    [InlineData("application/octet-stream", "photo.png", "unsupported file type '.png'")]
    [InlineData(null, null, "the file type cannot be determined")]
    [InlineData("application/octet-stream", "noextension", "the file type cannot be determined")]
    public void Resolve_Unsupported_ExplainsWhy(string? contentType, string? fileName, string expectedProblemStart)
    {
        Assert.False(DocumentFormats.Resolve(contentType, fileName, out _, out var problem));
        Assert.StartsWith(expectedProblemStart, problem, StringComparison.Ordinal);
    }

    public static TheoryData<DocumentFormat, byte[]> ConsistentDocuments => new()
    {
        { DocumentFormat.PlainText, "hello\r\nworld"u8.ToArray() },
        { DocumentFormat.PlainText, [.. Encoding.UTF8.Preamble, .. "with BOM"u8] },
        { DocumentFormat.Markdown, "# Title\n\nÜnïcödé 文字 🌿"u8.ToArray() },
        // Other encodings than UTF-8 are the worker's to detect.
        { DocumentFormat.Html, [0x3C, 0x70, 0x3E, 0x63, 0x61, 0x66, 0xE9, 0x3C, 0x2F, 0x70, 0x3E] },
        { DocumentFormat.PlainText, [0xFF, 0xFE, 0x68, 0x00, 0x69, 0x00] },
        { DocumentFormat.PlainText, [0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0x00, 0x68] },
        { DocumentFormat.Html, "<html><body>PK and %PDF- inside text are fine</body></html>"u8.ToArray() },
        { DocumentFormat.Pdf, PdfFixtures.MultiPage() },
        { DocumentFormat.Pdf, [.. Encoding.UTF8.Preamble, .. "\r\n  "u8, .. PdfFixtures.MultiPage()] },
        { DocumentFormat.Docx, DocxFixtures.Handbook() },
    };

    [Theory]
    [MemberData(nameof(ConsistentDocuments))]
    public void IsConsistent_MatchingContent_HasNoProblem(DocumentFormat declared, byte[] content)
    {
        Assert.True(DocumentFormats.IsConsistent(declared, content, out var problem), problem);
        Assert.Null(problem);
    }

    public static TheoryData<DocumentFormat, byte[], string> MismatchedDocuments => new()
    {
        { DocumentFormat.PlainText, PdfFixtures.MultiPage(), "declared text/plain but the content is a PDF" },
        { DocumentFormat.Markdown, DocxFixtures.Handbook(), "declared text/markdown but the content is a ZIP archive" },
        { DocumentFormat.PlainText, "nul\0byte"u8.ToArray(), "declared text/plain but the content contains NUL bytes" },
        { DocumentFormat.Pdf, "just text"u8.ToArray(), "declared application/pdf but the content is not a PDF" },
        { DocumentFormat.Pdf, DocxFixtures.Handbook(), "declared application/pdf but the content is not a PDF" },
        { DocumentFormat.Pdf, [.. new byte[1100], .. "%PDF-1.7"u8], "declared application/pdf but the content is not a PDF" },
        { DocumentFormat.Docx, PdfFixtures.MultiPage(), "declared application/vnd.openxmlformats-officedocument.wordprocessingml.document but the content is not a DOCX" },
        { DocumentFormat.Docx, [], "the document is empty" },
    };

    [Theory]
    [MemberData(nameof(MismatchedDocuments))]
    public void IsConsistent_MismatchedContent_SaysWhatIsWrong(DocumentFormat declared, byte[] content, string expectedProblemStart)
    {
        Assert.False(DocumentFormats.IsConsistent(declared, content, out var problem));
        Assert.StartsWith(expectedProblemStart, problem, StringComparison.Ordinal);
    }
}
