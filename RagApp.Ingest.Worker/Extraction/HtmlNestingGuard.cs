namespace RagApp.Ingest.Worker.Extraction;

/// <summary>
/// Estimates how deeply HTML nests with a linear scan of its tags, before it reaches the HTML parser.
/// AngleSharp's tree builder is iterative (no stack overflow) but slows down quadratically with the
/// number of open elements: 100 000 nested &lt;div&gt; took more than two minutes, 100 000 &lt;b&gt; 23 s.
/// The estimate closes elements the way browsers do for the common cases (end tags close everything
/// above the matching open element; p, li, dt, dd, tr, td, th, option close their open predecessor;
/// void and raw-text elements never stay open), and errs on the side of counting too deep.
/// </summary>
internal static class HtmlNestingGuard
{
    private static readonly HashSet<string> VoidElements = new(StringComparer.Ordinal)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr", "basefont", "bgsound", "frame", "image",
    };

    private static readonly HashSet<string> RawTextElements = new(StringComparer.Ordinal)
    {
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
    };

    // Elements whose start tag implicitly ends an open element of the listed kinds, searched a few levels up.
    private static readonly Dictionary<string, string[]> ImpliedEnds = new(StringComparer.Ordinal)
    {
        ["p"] = ["p"],
        ["li"] = ["li"],
        ["dt"] = ["dt", "dd"],
        ["dd"] = ["dt", "dd"],
        ["tr"] = ["tr", "td", "th"],
        ["td"] = ["td", "th"],
        ["th"] = ["td", "th"],
        ["tbody"] = ["tbody", "thead", "tfoot", "tr", "td", "th"],
        ["thead"] = ["tbody", "thead", "tfoot", "tr", "td", "th"],
        ["tfoot"] = ["tbody", "thead", "tfoot", "tr", "td", "th"],
        ["option"] = ["option"],
        ["optgroup"] = ["option", "optgroup"],
    };

    private const int ImpliedEndSearchDepth = 8;

    /// <summary>True when the estimated nesting stays within <paramref name="maxDepth"/>.</summary>
    public static bool IsWithinDepth(string html, int maxDepth, CancellationToken cancellationToken)
    {
        var open = new List<string>();
        var position = 0;
        var checkedAt = 0;
        while ((position = html.IndexOf('<', position)) >= 0)
        {
            if (position - checkedAt > 1 << 16)
            {
                cancellationToken.ThrowIfCancellationRequested();
                checkedAt = position;
            }

            if (string.CompareOrdinal(html, position, "<!--", 0, 4) == 0)
            {
                position = SkipPast(html, position + 4, "-->");
            }
            else if (position + 1 < html.Length && html[position + 1] is '!' or '?')
            {
                position = SkipPast(html, position + 2, ">");
            }
            else if (position + 1 < html.Length && html[position + 1] == '/')
            {
                var name = ReadName(html, position + 2);
                var index = open.LastIndexOf(name);
                if (index >= 0)
                {
                    open.RemoveRange(index, open.Count - index);
                }

                position = SkipPast(html, position + 2, ">");
            }
            else if (position + 1 < html.Length && char.IsAsciiLetter(html[position + 1]))
            {
                var name = ReadName(html, position + 1);
                var tagEnd = EndOfTag(html, position + 1 + name.Length);
                var selfClosing = tagEnd > 0 && html[tagEnd - 1] == '/';
                position = Math.Min(tagEnd + 1, html.Length);
                if (RawTextElements.Contains(name))
                {
                    position = SkipPast(html, position, "</" + name);
                    continue;
                }

                if (VoidElements.Contains(name) || selfClosing)
                {
                    continue;
                }

                CloseImplied(open, name);
                open.Add(name);
                if (open.Count > maxDepth)
                {
                    return false;
                }
            }
            else
            {
                position++;
            }
        }

        return true;
    }

    private static void CloseImplied(List<string> open, string name)
    {
        if (!ImpliedEnds.TryGetValue(name, out var closes))
        {
            return;
        }

        for (var i = open.Count - 1; i >= Math.Max(0, open.Count - ImpliedEndSearchDepth); i--)
        {
            if (Array.IndexOf(closes, open[i]) >= 0)
            {
                open.RemoveRange(i, open.Count - i);
                return;
            }
        }
    }

    private static string ReadName(string html, int start)
    {
        var end = start;
        while (end < html.Length && (char.IsAsciiLetterOrDigit(html[end]) || html[end] is '-' or ':' or '_'))
        {
            end++;
        }

        return html[start..end].ToLowerInvariant();
    }

    // Index of the '>' that ends a start tag, skipping quoted attribute values; html.Length when unterminated.
    // As in the HTML tokenizer, a quote opens a value only right after '=' (a='...'); elsewhere it is a plain character.
    private static int EndOfTag(string html, int position)
    {
        char quote = '\0';
        var afterEquals = false;
        for (; position < html.Length; position++)
        {
            var c = html[position];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c == '>')
            {
                return position;
            }
            else if (afterEquals && c is '"' or '\'')
            {
                quote = c;
                afterEquals = false;
            }
            else if (c == '=')
            {
                afterEquals = true;
            }
            else if (!char.IsWhiteSpace(c))
            {
                afterEquals = false;
            }
        }

        return html.Length;
    }

    private static int SkipPast(string html, int position, string marker)
    {
        if (position >= html.Length)
        {
            return html.Length;
        }

        var index = html.IndexOf(marker, position, StringComparison.OrdinalIgnoreCase);
        return index < 0 ? html.Length : index + marker.Length;
    }
}
