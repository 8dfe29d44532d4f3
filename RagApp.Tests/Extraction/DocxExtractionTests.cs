using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

public class DocxExtractionTests
{
    private readonly DocumentExtractor _extractor = Extractors.Create();

    [Fact]
    public void Docx_ParagraphsAndTableRowsInBodyOrder()
    {
        var document = _extractor.Extract(DocumentFormat.Docx, DocxFixtures.Handbook(), TestContext.Current.CancellationToken);

        Assert.Equal(
            "Gardening Handbook\n\nA short guide for new gardeners.\n\nSoil\n\nGood soil drains well and holds nutrients.\n\n"
            + "Compost\n\nCompost feeds the soil life.\n\nMaterial | Weeks\nLeaves | 26\nGrass | 8\n\n"
            + "Watering\n\nMornings\n\nWater early,\nbefore the heat.",
            document.Text);
    }

    [Fact]
    public void Docx_TitleStyleWinsOverCoreProperties_HeadingsFoundByStyleName()
    {
        var document = _extractor.Extract(DocumentFormat.Docx, DocxFixtures.Handbook(), TestContext.Current.CancellationToken);

        Assert.Equal("Gardening Handbook", document.Title);
        Assert.Equal(["Soil", "Soil > Compost", "Watering", "Watering > Mornings"], document.Sections.Select(s => s.Path));
        var compost = document.Sections[1];
        Assert.Equal("Compost\n\nCompost feeds the soil life.\n\nMaterial | Weeks\nLeaves | 26\nGrass | 8", document.Slice(compost.Start, compost.End).TrimEnd());
        Assert.Empty(document.Pages);
    }

    [Fact]
    public void Docx_AlternateContent_IsReadOnce_FromTheChoice()
    {
        var xml = """
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
            <w:p><w:r><w:t>Only body text.</w:t></w:r></w:p>
            <mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
              <mc:Choice Requires="wps"><w:p><w:r><w:t>Chosen text box.</w:t></w:r></w:p></mc:Choice>
              <mc:Fallback><w:p><w:r><w:t>Fallback copy.</w:t></w:r></w:p></mc:Fallback>
            </mc:AlternateContent>
            </w:body></w:document>
            """u8.ToArray();

        var document = _extractor.Extract(DocumentFormat.Docx, DocxFixtures.WithDocumentXml(xml), TestContext.Current.CancellationToken);

        Assert.DoesNotContain("Fallback copy", document.Text, StringComparison.Ordinal);
        Assert.StartsWith("Only body text.", document.Text, StringComparison.Ordinal);
        Assert.Empty(document.Sections);
    }

    [Fact]
    public void Docx_ThatIsNotAWordDocument_IsRejected()
    {
        using var stream = new MemoryStream();
        using (var zip = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("hello.txt").Open());
            writer.Write("not a word document");
        }

        var error = Assert.Throws<DocumentRejectedException>(() => _extractor.Extract(DocumentFormat.Docx, stream.ToArray(), TestContext.Current.CancellationToken));

        Assert.DoesNotContain(" at ", error.Message, StringComparison.Ordinal);
        Assert.Contains("DOCX", error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
