using System.Text;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

public class HtmlExtractionTests
{
    private const string Page = """
        <!DOCTYPE html>
        <html>
        <head><title>  Fern   Care </title><style>body { color: red }</style><script>var secret = "script text";</script></head>
        <body>
          <header><a href="/">Site banner</a></header>
          <nav><ul><li>Home</li><li>Menu item</li></ul></nav>
          <main>
            <article>
              <header><h1>Caring   for <em>ferns</em></h1></header>
              <p>Ferns like
                 <b>shade</b>
                 and moisture.</p>
              <h2>Watering</h2>
              <p>Water twice<br>a week.</p>
              <h3>In winter</h3>
              <p>Less often.</p>
              <table><tr><th>Fern</th><th>Light</th></tr><tr><td>Bracken</td><td>Sun</td></tr></table>
              <pre>line one
          indented line two</pre>
              <h2>Repotting</h2>
              <div hidden>hidden text</div>
              <ul><li>Spring</li><li>Summer</li></ul>
              <noscript>Enable scripts</noscript>
              <form><label>Email</label><input name="e"></form>
              <svg><text>svg text</text></svg>
            </article>
          </main>
          <aside>Related posts</aside>
          <footer>Copyright footer</footer>
          <template><p>template text</p></template>
        </body>
        </html>
        """;

    private readonly DocumentExtractor _extractor = Extractors.Create();

    [Fact]
    public void Html_DropsBoilerplate_KeepsBlocksAndCollapsesInlineWhitespace()
    {
        var document = _extractor.Extract(DocumentFormat.Html, Encoding.UTF8.GetBytes(Page), TestContext.Current.CancellationToken);

        Assert.Equal(
            "Caring for ferns\n\nFerns like shade and moisture.\n\nWatering\n\nWater twice\na week.\n\nIn winter\n\nLess often.\n\n"
            + "Fern | Light\nBracken | Sun\n\nline one\n  indented line two\n\nRepotting\n\nSpring\nSummer",
            document.Text);
        Assert.Equal("Fern Care", document.Title);
    }

    [Fact]
    public void Html_SectionsFollowHeadingLevels()
    {
        var document = _extractor.Extract(DocumentFormat.Html, Encoding.UTF8.GetBytes(Page), TestContext.Current.CancellationToken);

        Assert.Equal(
            ["Caring for ferns", "Caring for ferns > Watering", "Caring for ferns > Watering > In winter", "Caring for ferns > Repotting"],
            document.Sections.Select(s => s.Path));
        var winter = document.Sections[2];
        Assert.Equal("In winter\n\nLess often.\n\nFern | Light\nBracken | Sun\n\nline one\n  indented line two", document.Slice(winter.Start, winter.End).TrimEnd());
    }

    [Fact]
    public void Html_WithoutTitleElement_UsesFirstH1()
    {
        var document = _extractor.Extract(DocumentFormat.Html, "<p>intro</p><h1>The <i>Real</i> Title</h1><p>body</p>"u8.ToArray(), TestContext.Current.CancellationToken);

        Assert.Equal("The Real Title", document.Title);
        Assert.Equal("intro\n\nThe Real Title\n\nbody", document.Text);
    }

    [Fact]
    public void Html_NestedToJustUnderTheLimit_IsExtracted()
    {
        var html = string.Concat(Enumerable.Repeat("<div>", 240)) + "deep text" + string.Concat(Enumerable.Repeat("</div>", 240));

        var document = _extractor.Extract(DocumentFormat.Html, Encoding.UTF8.GetBytes(html), TestContext.Current.CancellationToken);

        Assert.Equal("deep text", document.Text);
    }

    [Fact]
    public void Html_ManyUnclosedParagraphsAndListItems_AreNotMistakenForNesting()
    {
        var html = "<ul>" + string.Concat(Enumerable.Range(0, 5000).Select(i => $"<li>item {i}<p>para {i}")) + "</ul>";

        var document = _extractor.Extract(DocumentFormat.Html, Encoding.UTF8.GetBytes(html), TestContext.Current.CancellationToken);

        Assert.StartsWith("item 0\n\npara 0\n\nitem 1", document.Text, StringComparison.Ordinal);
        Assert.EndsWith("para 4999", document.Text, StringComparison.Ordinal);
    }
}
