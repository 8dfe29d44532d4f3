using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

public class PdfExtractionTests
{
    private readonly DocumentExtractor _extractor = Extractors.Create();

    [Fact]
    public void Pdf_ExtractsEachPageInOrder_WithPageSpansAndTitle()
    {
        var document = _extractor.Extract(DocumentFormat.Pdf, PdfFixtures.MultiPage(), TestContext.Current.CancellationToken);

        Assert.Equal(PdfFixtures.Title, document.Title);
        Assert.Equal([1, 2, 3], document.Pages.Select(p => p.PageNumber));
        for (var i = 0; i < 3; i++)
        {
            var page = document.Pages[i];
            var pageText = document.Slice(page.Start, page.End);
            Assert.Equal(string.Join("\n", PdfFixtures.Pages[i]), pageText);
        }

        Assert.Equal(0, document.Pages[0].Start);
        Assert.Equal(document.Text.Length, document.Pages[^1].End);
        Assert.All(document.Pages.Zip(document.Pages.Skip(1)), pair => Assert.Equal("\n\n", document.Slice(pair.First.End, pair.Second.Start)));
        Assert.Empty(document.Sections);
    }

    [Fact]
    public void Pdf_WithoutDocumentInformation_HasNoTitle()
    {
        var document = _extractor.Extract(DocumentFormat.Pdf, PdfFixtures.MultiPage(title: null), TestContext.Current.CancellationToken);

        Assert.Null(document.Title);
        Assert.Contains("bracken fern", document.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdf_WithMorePagesThanAllowed_IsRejected()
    {
        var extractor = Extractors.Create(new ExtractionOptions { MaxPdfPages = 2 });

        var error = Assert.Throws<DocumentRejectedException>(() =>
            extractor.Extract(DocumentFormat.Pdf, PdfFixtures.MultiPage(), TestContext.Current.CancellationToken));

        Assert.Equal("The PDF has 3 pages; at most 2 are accepted. Split it into smaller files.", error.Message);
    }

    [Fact]
    public void Pdf_PasswordProtected_IsRejectedAsSuch()
    {
        var error = Assert.Throws<DocumentRejectedException>(() =>
            _extractor.Extract(DocumentFormat.Pdf, PdfFixtures.PasswordProtected(), TestContext.Current.CancellationToken));

        Assert.Contains("password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdf_WithoutTextLayer_IsRejectedWithAHint()
    {
        var blank = PdfFixtures.Raw(
            ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"]);

        var error = Assert.Throws<DocumentRejectedException>(() => _extractor.Extract(DocumentFormat.Pdf, blank, TestContext.Current.CancellationToken));

        Assert.Contains("no extractable text", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pdf_CancelledBeforeStart_Throws()
    {
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => _extractor.Extract(DocumentFormat.Pdf, PdfFixtures.MultiPage(), cancellation.Token));
    }
}
