using System.Text;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

public class TextAndMarkdownExtractionTests
{
    private readonly DocumentExtractor _extractor = Extractors.Create();

    [Fact]
    public void PlainText_StripsBomAndNormalisesLineEndings()
    {
        byte[] content = [.. Encoding.UTF8.Preamble, .. "first line\r\nsecond line\rthird\n\nÜnïcödé 🌿"u8];

        var document = _extractor.Extract(DocumentFormat.PlainText, content, TestContext.Current.CancellationToken);

        Assert.Equal("first line\nsecond line\nthird\n\nÜnïcödé 🌿", document.Text);
        Assert.Null(document.Title);
        Assert.Empty(document.Pages);
        Assert.Empty(document.Sections);
    }

    private const string Markdown = """
        ---
        title: front matter is not a heading
        ---
        Intro before any heading.

        # Install

        Download the package.

        ## Linux
        Use the package manager:

        ```bash
        # this comment is not a heading
        sudo apt install fern
        ```

        ~~~~
        ```
        # still inside the tilde fence
        ~~~~

            # indented code, not a heading

        Windows
        -------

        Run the installer.

        - a list item
        ---

        # Usage #

        Run `fern --help`.
        """;

    [Fact]
    public void Markdown_KeepsTextAndFindsAtxAndSetextHeadings_NotThoseInCodeOrFrontMatter()
    {
        var document = _extractor.Extract(DocumentFormat.Markdown, Encoding.UTF8.GetBytes(Markdown.Replace("\n", "\r\n", StringComparison.Ordinal)), TestContext.Current.CancellationToken);

        Assert.Equal(Markdown, document.Text);
        Assert.Equal("Install", document.Title);
        Assert.Equal(["Install", "Install > Linux", "Install > Windows", "Usage"], document.Sections.Select(s => s.Path));

        var linux = document.Sections[1];
        var linuxText = document.Slice(linux.Start, linux.End);
        Assert.StartsWith("## Linux", linuxText, StringComparison.Ordinal);
        Assert.Contains("# this comment is not a heading", linuxText, StringComparison.Ordinal);
        Assert.Contains("# indented code, not a heading", linuxText, StringComparison.Ordinal);

        Assert.StartsWith("Windows\n-------", document.Slice(document.Sections[2].Start, document.Sections[2].End), StringComparison.Ordinal);
        Assert.Equal(document.Text.Length, document.Sections[^1].End);
        Assert.All(document.Sections.Zip(document.Sections.Skip(1)), pair => Assert.Equal(pair.First.End, pair.Second.Start));
    }

    [Fact]
    public void Markdown_WithoutH1_HasNoTitle()
    {
        var document = _extractor.Extract(DocumentFormat.Markdown, "## Only a subsection\n\ntext"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Null(document.Title);
        Assert.Equal("Only a subsection", Assert.Single(document.Sections).Path);
    }

    [Theory]
    [InlineData(DocumentFormat.PlainText)]
    [InlineData(DocumentFormat.Markdown)]
    [InlineData(DocumentFormat.Html)]
    public void WhitespaceOnly_IsRejectedAsEmpty(DocumentFormat format)
    {
        var content = format == DocumentFormat.Html ? "<html><body> <script>x()</script> </body></html>"u8.ToArray() : " \r\n\t "u8.ToArray();

        var error = Assert.Throws<DocumentRejectedException>(() => _extractor.Extract(format, content, TestContext.Current.CancellationToken));

        Assert.Equal("The document contains no text.", error.Message);
    }

    [Fact]
    public void TextLongerThanTheLimit_IsRejected()
    {
        var extractor = Extractors.Create(new ExtractionOptions { MaxExtractedCharacters = 1000 });

        var error = Assert.Throws<DocumentRejectedException>(() =>
            extractor.Extract(DocumentFormat.PlainText, Encoding.UTF8.GetBytes(new string('a', 1001)), TestContext.Current.CancellationToken));

        Assert.Contains("more than 1,000 characters", error.Message, StringComparison.Ordinal);
    }
}
