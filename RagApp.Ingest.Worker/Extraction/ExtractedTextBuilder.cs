using System.Globalization;
using System.Text;
using RagApp.Core.Documents;

namespace RagApp.Ingest.Worker.Extraction;

/// <summary>
/// Builds extracted text from structured formats. Breaks are requested, not written, and only the strongest
/// pending break is written before the next text, so the result has no leading, trailing or repeated blank lines.
/// Enforces the character limit as it grows, so a hostile document cannot build an unbounded string.
/// </summary>
internal sealed class ExtractedTextBuilder(int maxCharacters)
{
    private enum PendingBreak
    {
        None,
        Space,
        Cell,
        Line,
        Paragraph,
    }

    private readonly StringBuilder _text = new();
    private readonly List<PageSpan> _pages = [];
    private PendingBreak _pending;

    public HeadingOutline Outline { get; } = new();

    public int Length => _text.Length;

    public static DocumentRejectedException TooLong(int maxCharacters) =>
        new(string.Create(CultureInfo.InvariantCulture, $"The document has more than {maxCharacters:N0} characters of text, more than this service accepts."));

    public void RequestSpace() => Request(PendingBreak.Space);

    /// <summary>Separates table cells on one line; a row's line break is stronger, so no row starts with it.</summary>
    public void RequestCellSeparator() => Request(PendingBreak.Cell);

    public void RequestLineBreak() => Request(PendingBreak.Line);

    public void RequestParagraphBreak() => Request(PendingBreak.Paragraph);

    /// <summary>A second line break in a row (as in <c>&lt;br&gt;&lt;br&gt;</c>) becomes a paragraph break.</summary>
    public void RequestRepeatedLineBreak() => Request(_pending >= PendingBreak.Line ? PendingBreak.Paragraph : PendingBreak.Line);

    /// <summary>Appends running text, collapsing each run of whitespace into one pending space.</summary>
    public void AppendInline(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                Request(PendingBreak.Space);
            }
            else
            {
                FlushPending();
                _text.Append(c);
            }
        }

        CheckLength();
    }

    /// <summary>Appends part of a preformatted block as it is, whitespace included.</summary>
    public void AppendPreformattedInline(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        FlushPending();
        _text.Append(text);
        CheckLength();
    }

    /// <summary>Appends text whose whitespace matters (a PDF page), trimmed at both ends.</summary>
    /// <returns>Where the text starts, or -1 when it was only whitespace.</returns>
    public int AppendPreformatted(ReadOnlySpan<char> text)
    {
        text = text.Trim();
        if (text.IsEmpty)
        {
            return -1;
        }

        FlushPending();
        var start = _text.Length;
        _text.Append(text);
        CheckLength();
        return start;
    }

    public void AddPage(int pageNumber, int start) => _pages.Add(new PageSpan(pageNumber, start, _text.Length));

    /// <summary>The text written since <paramref name="from"/>, and where its first non-whitespace character is.</summary>
    public (string Text, int Start) TextSince(int from)
    {
        var start = from;
        while (start < _text.Length && char.IsWhiteSpace(_text[start]))
        {
            start++;
        }

        return (_text.ToString(start, _text.Length - start), start);
    }

    public ExtractedDocument Build(string? title)
    {
        var text = _text.ToString();
        title = string.IsNullOrWhiteSpace(title) ? Outline.FirstTopLevelTitle : TextWhiteSpace.Collapse(title);
        return new ExtractedDocument(text, title, _pages, Outline.ToSections(text.Length));
    }

    private void Request(PendingBreak pendingBreak)
    {
        if (pendingBreak > _pending)
        {
            _pending = pendingBreak;
        }
    }

    private void FlushPending()
    {
        if (_text.Length > 0)
        {
            _text.Append(_pending switch
            {
                PendingBreak.Space => " ",
                PendingBreak.Cell => " | ",
                PendingBreak.Line => "\n",
                PendingBreak.Paragraph => "\n\n",
                _ => string.Empty,
            });
        }

        _pending = PendingBreak.None;
    }

    private void CheckLength()
    {
        if (_text.Length > maxCharacters)
        {
            throw TooLong(maxCharacters);
        }
    }
}
