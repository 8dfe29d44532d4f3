using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>
/// A parser failing on damaged bytes is the document's fault (rejected, with a message for the user); an exception
/// from our own code is not, and must reach the worker as it is, so that the job is retried rather than the document
/// refused for ever.
/// </summary>
public class ExtractionFailureClassTests
{
    public static TheoryData<string> OwnBugs => new("null reference", "index out of range", "invalid operation");

    [Theory]
    [MemberData(nameof(OwnBugs))]
    public void ExceptionFromOurOwnCode_IsNotARejection(string bug)
    {
        var extractor = WithExtractor(new BrokenExtractor(DocumentFormat.PlainText, bug));

        var error = Record.Exception(() => extractor.Extract(DocumentFormat.PlainText, "hello"u8.ToArray(), TestContext.Current.CancellationToken));

        Assert.NotNull(error);
        Assert.IsNotType<DocumentRejectedException>(error);
        Assert.Equal(BrokenExtractor.ExpectedType(bug), error.GetType());
    }

    [Fact]
    public void Pdf_WithAnUnknownStreamFilter_IsRejected()
    {
        // PdfPig reports this as a NotSupportedException: its type alone does not say "damaged document".
        var content = "BT /F1 12 Tf 72 700 Td (Hello) Tj ET";
        var pdf = PdfFixtures.Raw(
            ["<< /Type /Catalog /Pages 2 0 R >>",
             "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
             $"<< /Length {content.Length} /Filter /NoSuchDecode >>\nstream\n{content}\nendstream"]);

        var error = Rejected(DocumentFormat.Pdf, pdf);

        Assert.Equal("The application/pdf document could not be read; it is damaged or not a valid file of that type.", error.Message);
        Assert.IsType<NotSupportedException>(error.InnerException);
    }

    [Fact]
    public void Docx_WithMalformedXml_IsRejected()
    {
        var docx = DocxFixtures.WithDocumentXml(Encoding.UTF8.GetBytes(
            "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r><w:t>cut off"));

        var error = Rejected(DocumentFormat.Docx, docx);

        Assert.Contains("document could not be read; it is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Docx_MissingThePartItsRelationshipsName_IsRejected()
    {
        // System.IO.Packaging, under OpenXml, says so with an InvalidOperationException.
        var docx = WithoutEntry(DocxFixtures.Handbook(), "word/styles.xml");

        var error = Rejected(DocumentFormat.Docx, docx);

        Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Docx_WithACorruptCentralDirectory_IsRejectedAsNotAZip()
    {
        var docx = DocxFixtures.Handbook();
        var directory = docx.AsSpan().LastIndexOf("PK\x05\x06"u8);
        docx[directory + 10] ^= 0x01; // the entry count no longer matches the directory

        var error = Rejected(DocumentFormat.Docx, docx);

        Assert.Equal("The DOCX file is damaged: it is not a readable ZIP archive.", error.Message);
    }

    private static DocumentRejectedException Rejected(DocumentFormat format, byte[] content)
    {
        var error = Assert.Throws<DocumentRejectedException>(() => Extractors.Create().Extract(format, content, TestContext.Current.CancellationToken));
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
        return error;
    }

    private static DocumentExtractor WithExtractor(IDocumentExtractor extractor)
    {
        var options = Options.Create(new ExtractionOptions());
        return new DocumentExtractor([extractor], options, TimeProvider.System, NullLogger<DocumentExtractor>.Instance);
    }

    private static byte[] WithoutEntry(byte[] zip, string entryName)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            archive.GetEntry(entryName)!.Delete();
        }

        return stream.ToArray();
    }
}
