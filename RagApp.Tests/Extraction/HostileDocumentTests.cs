using System.IO.Compression;
using System.Text;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>
/// Hostile and broken inputs must end in a <see cref="DocumentRejectedException"/>: no other exception, no crash
/// (a stack overflow would kill the worker), no hang. The time limit here only catches hangs; it is no speed goal.
/// </summary>
public class HostileDocumentTests
{
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);

    private readonly DocumentExtractor _extractor = Extractors.Create();

    [Fact]
    public async Task Docx_ZipBomb_IsRejectedFromItsDirectory()
    {
        var bomb = DocxFixtures.WithZeroFilledEntry(64L * 1024 * 1024);
        Assert.True(bomb.Length < 1024 * 1024, "the fixture should be a small file that expands a lot");

        var error = await RejectedAsync(DocumentFormat.Docx, bomb);

        Assert.Contains("zip bomb", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docx_ExpandingBeyondTheSizeLimit_IsRejected()
    {
        var extractor = Extractors.Create(new ExtractionOptions { MaxDocxUncompressedBytes = 2 * 1024 * 1024 });
        var large = DocxFixtures.WithZeroFilledEntry(3L * 1024 * 1024);

        var error = await RejectedAsync(DocumentFormat.Docx, large, extractor);

        Assert.Contains("expands to more than 2 MB", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ZipArchive_NeverInflatesAnEntryPastItsDeclaredLength()
    {
        // The zip-bomb defence relies on this: checking declared sizes bounds what OpenXml can inflate later.
        var lying = DocxFixtures.WithDeclaredLength(DocxFixtures.WithZeroFilledEntry(32L * 1024 * 1024), "word/media/image1.bin", 1000);
        using var zip = new ZipArchive(new MemoryStream(lying), ZipArchiveMode.Read);
        var entry = zip.GetEntry("word/media/image1.bin")!;

        using var stream = entry.Open();
        long read = 0;
        var buffer = new byte[81920];
        try
        {
            int n;
            while ((n = stream.Read(buffer)) > 0)
            {
                read += n;
            }
        }
        catch (InvalidDataException)
        {
            // Refusing to read on is as good as stopping at the declared length.
        }

        Assert.Equal(1000, entry.Length);
        Assert.True(read <= 1000, $"read {read} bytes of an entry declared as 1000");
    }

    [Fact]
    public async Task Docx_DocumentXmlLyingAboutItsSize_IsRejected()
    {
        var body = new StringBuilder("<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>");
        body.Insert(body.Length, "<w:p><w:r><w:t>repeated paragraph text</w:t></w:r></w:p>", 500_000);
        body.Append("</w:body></w:document>");
        var honest = DocxFixtures.WithDocumentXml(Encoding.UTF8.GetBytes(body.ToString()));
        var lying = DocxFixtures.WithDeclaredLength(honest, "word/document.xml", 2000);

        var error = await RejectedAsync(DocumentFormat.Docx, lying);

        Assert.DoesNotContain("repeated paragraph text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docx_NestedHundredThousandDeep_IsRejectedWithoutStackOverflow()
    {
        var error = await RejectedAsync(DocumentFormat.Docx, DocxFixtures.DeeplyNested(100_000));

        Assert.Contains("nested more than 256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Docx_CorruptZip_IsRejected()
    {
        var docx = DocxFixtures.Handbook();
        var corrupt = docx[..(docx.Length / 2)];

        var error = await RejectedAsync(DocumentFormat.Docx, corrupt);

        Assert.Contains("DOCX", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<div>")]
    [InlineData("<b>")]
    [InlineData("<span><i>")]
    [InlineData("<table><tr><td>")]
    public async Task Html_NestedHundredThousandDeep_IsRejectedBeforeParsing(string tag)
    {
        var html = "<html><body>" + string.Concat(Enumerable.Repeat(tag, 100_000)) + "deep text</body></html>";

        var error = await RejectedAsync(DocumentFormat.Html, Encoding.UTF8.GetBytes(html));

        Assert.Equal("The HTML is nested more than 256 elements deep, which no readable page needs.", error.Message);
    }

    [Fact]
    public async Task Html_NestingHiddenInAnUnquotedAttribute_IsStillCounted()
    {
        // In HTML a quote inside an unquoted attribute value opens nothing: the divs after it are real elements.
        var html = "<p class=a'b>" + string.Concat(Enumerable.Repeat("<div>", 100_000)) + "'>";

        await RejectedAsync(DocumentFormat.Html, Encoding.UTF8.GetBytes(html));
    }

    [Fact]
    public async Task Pdf_Truncated_IsRejected()
    {
        var pdf = PdfFixtures.MultiPage();

        var error = await RejectedAsync(DocumentFormat.Pdf, pdf[..(pdf.Length * 6 / 10)]);

        Assert.Contains("incomplete", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_HeaderFollowedByNoise_IsRejected()
    {
        var error = await RejectedAsync(DocumentFormat.Pdf, PdfFixtures.HeaderAndNoise(seed: 7));

        Assert.DoesNotContain("Exception", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RandomBytesDeclaredAsPdf_AreRejected()
    {
        var noise = new byte[50_000];
        new Random(11).NextBytes(noise);

        var error = await RejectedAsync(DocumentFormat.Pdf, noise);

        Assert.Equal("Declared application/pdf but the content is not a PDF (it does not start with %PDF-).", error.Message);
    }

    [Fact]
    public async Task PdfDeclaredAsText_IsRejected()
    {
        var error = await RejectedAsync(DocumentFormat.PlainText, PdfFixtures.MultiPage());

        Assert.Equal("Declared text/plain but the content is a PDF.", error.Message);
    }

    [Fact]
    public async Task Pdf_DeeplyNestedObjects_AreRejected_WithoutStackOverflow()
    {
        var deepArray = new string('[', 100_000) + new string(']', 100_000);
        var content = "BT /F1 12 Tf 72 700 Td " + deepArray + " (Hello) Tj ET";
        var pdf = PdfFixtures.Raw(
            ["<< /Type /Catalog /Pages 2 0 R >>",
             "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Foo {deepArray} >>",
             $"<< /Length {content.Length} >>\nstream\n{content}\nendstream"]);

        await RejectedAsync(DocumentFormat.Pdf, pdf);
    }

    public static TheoryData<DocumentFormat> Formats => new(Enum.GetValues<DocumentFormat>());

    /// <summary>Random corruptions of valid documents: each one is read or rejected, nothing else.</summary>
    [Theory]
    [MemberData(nameof(Formats))]
    public async Task MutatedDocuments_AreReadOrRejected_NeverAnythingElse(DocumentFormat format)
    {
        var original = format switch
        {
            DocumentFormat.Pdf => PdfFixtures.MultiPage(),
            DocumentFormat.Docx => DocxFixtures.Handbook(),
            _ => "<h1>Title</h1>\n\n# Heading\n\nSome text with <b>markup</b> and more text.\n"u8.ToArray(),
        };

        await Task.Run(
            () =>
            {
                var random = new Random(1234 + (int)format);
                for (var i = 0; i < 150; i++)
                {
                    var mutated = Mutate(original, random);
                    try
                    {
                        var document = _extractor.Extract(format, mutated, TestContext.Current.CancellationToken);
                        Assert.False(string.IsNullOrWhiteSpace(document.Text));
                    }
                    catch (DocumentRejectedException error)
                    {
                        Assert.False(string.IsNullOrWhiteSpace(error.Message));
                    }
                }
            },
            TestContext.Current.CancellationToken).WaitAsync(HangLimit * 2, TestContext.Current.CancellationToken);
    }

    private static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (var flips = random.Next(1, 20); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                return bytes;
            case 1:
                return bytes[..random.Next(1, bytes.Length)];
            case 2:
                var start = random.Next(bytes.Length);
                random.NextBytes(bytes.AsSpan(start, Math.Min(bytes.Length - start, random.Next(1, 500))));
                return bytes;
            default:
                var cut = random.Next(bytes.Length);
                return [.. bytes[..cut], .. bytes[cut..][..Math.Min(bytes.Length - cut, 300)], .. bytes[cut..]];
        }
    }

    private async Task<DocumentRejectedException> RejectedAsync(DocumentFormat format, byte[] content, DocumentExtractor? extractor = null)
    {
        var extraction = Task.Run(() => (extractor ?? _extractor).Extract(format, content, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<DocumentRejectedException>(() => extraction.WaitAsync(HangLimit, TestContext.Current.CancellationToken));
        Assert.DoesNotContain("   at ", error.Message, StringComparison.Ordinal);
        return error;
    }
}
