namespace RagApp.Ingest.Worker.Extraction;

/// <summary>Line-by-line scan of Markdown for headings, skipping code fences, indented code and YAML front matter.</summary>
internal static class MarkdownHeadingScanner
{
    public static HeadingOutline Scan(string text, CancellationToken cancellationToken)
    {
        var outline = new HeadingOutline();
        var position = SkipFrontMatter(text);
        char fenceChar = '\0';
        var fenceLength = 0;
        var paragraphStart = -1;
        var paragraphIsContainer = false;
        var lines = 0;

        while (position < text.Length)
        {
            var lineEnd = text.IndexOf('\n', position);
            if (lineEnd < 0)
            {
                lineEnd = text.Length;
            }

            var lineStart = position;
            var line = text.AsSpan(lineStart, lineEnd - lineStart);
            position = lineEnd + 1;
            if ((++lines & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var indent = IndentOf(line);
            var body = line.Trim();

            if (fenceChar != '\0')
            {
                if (indent <= 3 && IsRunOf(body, fenceChar, fenceLength))
                {
                    fenceChar = '\0';
                }

                continue;
            }

            if (body.IsEmpty)
            {
                paragraphStart = -1;
                continue;
            }

            if (paragraphStart < 0 && indent >= 4)
            {
                continue; // indented code block
            }

            if (indent <= 3 && FenceOpening(body) is (var opening, var length))
            {
                fenceChar = opening;
                fenceLength = length;
                paragraphStart = -1;
                continue;
            }

            if (indent <= 3 && AtxHeading(body) is (var atxLevel, var atxTitle))
            {
                outline.Add(atxLevel, atxTitle, lineStart + indent);
                paragraphStart = -1;
                continue;
            }

            if (indent <= 3 && paragraphStart >= 0 && !paragraphIsContainer && SetextLevel(body) is int setextLevel)
            {
                var title = text.AsSpan(paragraphStart, lineStart - paragraphStart).ToString();
                outline.Add(setextLevel, title, paragraphStart + IndentOf(title));
                paragraphStart = -1;
                continue;
            }

            if (paragraphStart < 0)
            {
                paragraphStart = lineStart;
                paragraphIsContainer = IsContainerStart(body);
            }
        }

        return outline;
    }

    private static int SkipFrontMatter(string text)
    {
        if (!text.StartsWith("---\n", StringComparison.Ordinal))
        {
            return 0;
        }

        var position = 4;
        while (position < text.Length)
        {
            var lineEnd = text.IndexOf('\n', position);
            var line = text.AsSpan(position, (lineEnd < 0 ? text.Length : lineEnd) - position).TrimEnd();
            if (line is "---" or "...")
            {
                return lineEnd < 0 ? text.Length : lineEnd + 1;
            }

            if (lineEnd < 0)
            {
                break;
            }

            position = lineEnd + 1;
        }

        return 0; // no closing line: a thematic break, not front matter
    }

    private static int IndentOf(ReadOnlySpan<char> line)
    {
        var indent = 0;
        foreach (var c in line)
        {
            if (c == ' ')
            {
                indent++;
            }
            else if (c == '\t')
            {
                indent += 4 - (indent % 4);
            }
            else
            {
                break;
            }
        }

        return indent;
    }

    private static (char Char, int Length)? FenceOpening(ReadOnlySpan<char> body)
    {
        if (body.IsEmpty || body[0] is not ('`' or '~'))
        {
            return null;
        }

        var length = body.Length - body.TrimStart(body[0]).Length;
        if (length < 3)
        {
            return null;
        }

        // A backtick fence's info string cannot contain backticks (that would be inline code).
        return body[0] == '`' && body[length..].Contains('`') ? null : (body[0], length);
    }

    private static bool IsRunOf(ReadOnlySpan<char> body, char c, int minimumLength) =>
        body.Length >= minimumLength && body.TrimStart(c).IsEmpty;

    private static (int Level, string Title)? AtxHeading(ReadOnlySpan<char> body)
    {
        var level = body.Length - body.TrimStart('#').Length;
        if (level is < 1 or > 6 || (body.Length > level && body[level] is not (' ' or '\t')))
        {
            return null;
        }

        var title = body[level..].Trim();
        var closing = title.TrimEnd('#');
        if (closing.Length < title.Length && (closing.IsEmpty || closing[^1] is ' ' or '\t'))
        {
            title = closing.TrimEnd();
        }

        return (level, title.ToString());
    }

    private static int? SetextLevel(ReadOnlySpan<char> body) =>
        IsRunOf(body, '=', 1) ? 1 : IsRunOf(body, '-', 1) ? 2 : null;

    // List items and block quotes: a following "---" is a thematic break, not a Setext underline.
    private static bool IsContainerStart(ReadOnlySpan<char> body)
    {
        if (body[0] == '>')
        {
            return true;
        }

        if (body.Length >= 2 && body[0] is '-' or '*' or '+' && body[1] is ' ' or '\t')
        {
            return true;
        }

        var digits = body.Length - body.TrimStart("0123456789").Length;
        return digits is > 0 and < 10 && body.Length > digits + 1 && body[digits] is '.' or ')' && body[digits + 1] is ' ' or '\t';
    }
}
