using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Microsoft.Extensions.Options;

namespace RagApp.Ingest.Worker.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>
/// Extracts the readable text of an HTML page: boilerplate and non-text elements dropped, blocks separated
/// by blank lines, inline whitespace collapsed, sections from h1–h6. The DOM is walked with an explicit
/// stack, never recursively, and nesting is bounded before parsing (<see cref="HtmlNestingGuard"/>).
/// </summary>
internal sealed class HtmlExtractor(IOptions<ExtractionOptions> options) : IDocumentExtractor
{
    private static readonly HashSet<string> DroppedElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "head", "script", "style", "noscript", "template", "svg", "math", "nav", "aside", "form", "iframe",
        "object", "embed", "canvas", "button", "select", "textarea", "dialog",
    };

    // Page-level header and footer are site chrome; inside an article or main they carry its title and byline.
    private static readonly HashSet<string> ChromeElements = new(StringComparer.OrdinalIgnoreCase) { "header", "footer" };

    private static readonly HashSet<string> ContentRoots = new(StringComparer.OrdinalIgnoreCase) { "article", "main" };

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "address", "article", "blockquote", "body", "caption", "center", "details", "div", "dl", "fieldset", "figcaption",
        "figure", "footer", "header", "hr", "legend", "main", "ol", "p", "pre", "section", "summary", "table", "ul",
        "h1", "h2", "h3", "h4", "h5", "h6",
    };

    private static readonly HashSet<string> LineElements = new(StringComparer.OrdinalIgnoreCase) { "li", "tr", "dt", "dd", "option" };

    private static readonly HashSet<string> CellElements = new(StringComparer.OrdinalIgnoreCase) { "td", "th" };

    private readonly record struct Step(INode Node, bool Exit, int HeadingStart);

    public DocumentFormat Format => DocumentFormat.Html;

    public ExtractedDocument Extract(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var html = TextDecoding.Decode(content.Span, int.MaxValue - 1, html: true);
        if (!HtmlNestingGuard.IsWithinDepth(html, limits.MaxHtmlDepth, cancellationToken))
        {
            throw new DocumentRejectedException($"The HTML is nested more than {limits.MaxHtmlDepth} elements deep, which no readable page needs.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var parser = new HtmlParser(new HtmlParserOptions { SkipComments = true, IsNotSupportingFrames = true });
        using var document = parser.ParseDocument(html);
        cancellationToken.ThrowIfCancellationRequested();

        var builder = new ExtractedTextBuilder(limits.MaxExtractedCharacters);
        Walk((INode?)document.Body ?? document.DocumentElement, builder, cancellationToken);
        return builder.Build(document.Title);
    }

    private static void Walk(INode root, ExtractedTextBuilder builder, CancellationToken cancellationToken)
    {
        var stack = new Stack<Step>();
        stack.Push(new Step(root, Exit: false, HeadingStart: -1));
        var preformatted = 0;
        var contentRoots = 0;
        var visited = 0;

        while (stack.TryPop(out var step))
        {
            if ((++visited & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (step.Node is IText text)
            {
                if (preformatted > 0)
                {
                    builder.AppendPreformattedInline(text.Data);
                }
                else
                {
                    builder.AppendInline(text.Data);
                }

                continue;
            }

            if (step.Node is not IElement element)
            {
                continue;
            }

            var name = element.LocalName;
            if (step.Exit)
            {
                Leave(name, step.HeadingStart, builder, ref preformatted, ref contentRoots);
                continue;
            }

            if (IsDropped(element, name, contentRoots))
            {
                continue;
            }

            var headingStart = Enter(element, name, builder, ref preformatted, ref contentRoots);
            stack.Push(new Step(element, Exit: true, headingStart));
            var children = element.ChildNodes;
            for (var i = children.Length - 1; i >= 0; i--)
            {
                stack.Push(new Step(children[i], Exit: false, HeadingStart: -1));
            }
        }
    }

    private static bool IsDropped(IElement element, string name, int contentRoots) =>
        DroppedElements.Contains(name)
        || (contentRoots == 0 && ChromeElements.Contains(name))
        || element.HasAttribute("hidden")
        || string.Equals(element.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase);

    private static int Enter(IElement element, string name, ExtractedTextBuilder builder, ref int preformatted, ref int contentRoots)
    {
        if (name.Equals("br", StringComparison.OrdinalIgnoreCase))
        {
            builder.RequestRepeatedLineBreak();
        }
        else if (BlockElements.Contains(name))
        {
            builder.RequestParagraphBreak();
        }
        else if (LineElements.Contains(name))
        {
            builder.RequestLineBreak();
        }
        else if (CellElements.Contains(name))
        {
            builder.RequestCellSeparator();
        }

        if (name.Equals("pre", StringComparison.OrdinalIgnoreCase))
        {
            preformatted++;
        }

        if (ContentRoots.Contains(name))
        {
            contentRoots++;
        }

        return HeadingLevel(name) > 0 ? builder.Length : -1;
    }

    private static void Leave(string name, int headingStart, ExtractedTextBuilder builder, ref int preformatted, ref int contentRoots)
    {
        if (headingStart >= 0)
        {
            var (title, start) = builder.TextSince(headingStart);
            builder.Outline.Add(HeadingLevel(name), title, start);
        }

        if (name.Equals("pre", StringComparison.OrdinalIgnoreCase))
        {
            preformatted--;
        }

        if (ContentRoots.Contains(name))
        {
            contentRoots--;
        }

        if (BlockElements.Contains(name))
        {
            builder.RequestParagraphBreak();
        }
        else if (LineElements.Contains(name))
        {
            builder.RequestLineBreak();
        }
        else if (CellElements.Contains(name))
        {
            builder.RequestSpace();
        }
    }

    private static int HeadingLevel(string name) =>
        name.Length == 2 && name[0] is 'h' or 'H' && name[1] is >= '1' and <= '6' ? name[1] - '0' : 0;
}
