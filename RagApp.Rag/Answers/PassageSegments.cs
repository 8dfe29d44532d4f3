using RagApp.Core.Documents;

namespace RagApp.Rag.Answers;

/// <summary>
/// The parts of a passage an answer can quote. Chunks of Markdown, HTML, PDF and Word documents keep their line
/// structure: paragraphs separated by blank lines, headings on lines of their own, list items, table rows and code.
/// A sentence splitter that sees only punctuation would take a heading and the paragraph under it, or a whole code
/// listing (it has no full stop), for one sentence; a code listing full of the question's words then outscores the
/// prose sentence that answers it. So this splits a passage into segments first: paragraphs with their lines joined
/// (a PDF or a Markdown source wraps one sentence over several lines, a PDF even a word), each list item and each
/// table row on its own, with list markers and the table's outer pipes removed; it drops headings, rules, table
/// separators and code (fenced, or a paragraph most of whose lines look like code). Each segment is then split into
/// sentences.
/// </summary>
/// <remarks>
/// Written here, not taken from Markdig: a chunk is a window of a document's extracted text, not the document's
/// Markdown (HTML, PDF and Word chunks are plain text, and a window may begin inside a code block), so only the
/// line-level cues below are there to read.
/// </remarks>
internal static class PassageSegments
{
    /// <summary>
    /// A line without end punctuation and with at most this many words, alone between blank lines, is a heading or a
    /// caption ("Listing 15-21: An attempt to implement a MockMessenger that isn't allowed by the borrow checker").
    /// </summary>
    private const int HeadingMaxWords = 20;

    /// <summary>Share of a line's visible characters that are code punctuation from which the line reads as code.</summary>
    private const double CodeSymbolShare = 0.12;

    /// <summary>The passage's quotable segments, each on one line, in order. Empty when it holds only code or headings.</summary>
    public static List<string> Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var segments = new List<string>();
        var paragraph = new List<string>();
        var inFence = false;
        var isListItem = false;

        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.StartsWith("```", StringComparison.Ordinal) || line.StartsWith("~~~", StringComparison.Ordinal))
            {
                Flush();
                inFence = !inFence;
                continue;
            }

            if (inFence)
            {
                continue;
            }

            if (line.Length == 0 || IsRule(line) || IsMarkdownHeading(line))
            {
                Flush();
                continue;
            }

            if (line[0] == '|')
            {
                Flush();
                var row = TextWhiteSpace.Collapse(TableRow(line));
                if (row.Length > 0)
                {
                    segments.Add(row);
                }

                continue;
            }

            var marker = ListMarkerLength(line);
            if (marker > 0)
            {
                Flush();
                isListItem = true;
                line = line[marker..].TrimStart();
            }

            // A word a PDF broke over two lines ("manip-" / "ulation") is one word again.
            if (paragraph.Count > 0 && IsBrokenWord(paragraph[^1], line))
            {
                paragraph[^1] = paragraph[^1][..^1] + line;
                continue;
            }

            paragraph.Add(line);
        }

        Flush();
        return segments;

        void Flush()
        {
            if (paragraph.Count > 0 && !IsCode(paragraph) && (isListItem || !IsHeading(paragraph)))
            {
                segments.Add(TextWhiteSpace.Collapse(string.Join(' ', paragraph)));
            }

            paragraph.Clear();
            isListItem = false;
        }
    }

    /// <summary>Whether a line reads as source code rather than prose (its end, its start, a comment or its punctuation).</summary>
    public static bool IsCodeLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var trimmed = line.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return false;
        }

        if (trimmed[^1] is '{' or '}' or ';' || trimmed.EndsWith("=>") || trimmed[0] is '{' or '}'
            || trimmed.StartsWith("//") || trimmed.StartsWith("/*") || trimmed.StartsWith("*/"))
        {
            return true;
        }

        // A comment after code: "//" not part of a URL ("https://").
        for (var i = 1; i + 1 < trimmed.Length; i++)
        {
            if (trimmed[i] == '/' && trimmed[i + 1] == '/' && trimmed[i - 1] is not (':' or '/'))
            {
                return true;
            }
        }

        var visible = 0;
        var symbols = 0;
        foreach (var c in trimmed)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            visible++;
            if (c is '{' or '}' or '(' or ')' or '[' or ']' or ';' or '=' or '<' or '>' or '&' or '|')
            {
                symbols++;
            }
        }

        return visible >= 8 && symbols >= 3 && symbols >= CodeSymbolShare * visible;
    }

    private static bool IsBrokenWord(string previous, string next) =>
        previous.Length >= 2 && previous[^1] == '-' && char.IsLetter(previous[^2]) && char.IsLower(next[0]);

    // Most of the paragraph's lines read as code: a listing, or the part of one a chunk begins or ends with.
    private static bool IsCode(List<string> lines) => lines.Count(IsCodeLine) * 2 > lines.Count;

    // One line, short, with no end punctuation: a heading or a caption ("Filename: src/main.rs"), not a sentence.
    private static bool IsHeading(List<string> lines) =>
        lines.Count == 1 && lines[0][^1] is not ('.' or '!' or '?' or ':' or '"' or '\u201D')
        && lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= HeadingMaxWords;

    private static bool IsMarkdownHeading(string line)
    {
        var level = 0;
        while (level < line.Length && line[level] == '#')
        {
            level++;
        }

        return level is > 0 and <= 6 && (level == line.Length || line[level] == ' ');
    }

    // "---", "***", "___" (three or more, maybe spaced): a Markdown rule.
    private static bool IsRule(string line) =>
        line.Length >= 3 && line[0] is '-' or '*' or '_' && line.All(c => c == line[0] || c == ' ');

    // "| a | b |" → "a | b"; a separator row ("|---|:--:|") → empty.
    private static string TableRow(string line)
    {
        var cells = line.Trim('|').Trim();
        return cells.All(c => c is '-' or ':' or '|' or ' ') ? "" : cells;
    }

    // "- ", "* ", "+ ", "• ", "1. ", "12) ": the length of the marker with its space, else 0.
    private static int ListMarkerLength(string line)
    {
        if (line.Length >= 2 && line[0] is '-' or '*' or '+' or '•' or '\u2013' or '\u25AA' && line[1] == ' ')
        {
            return 2;
        }

        var digits = 0;
        while (digits < line.Length && digits < 3 && char.IsAsciiDigit(line[digits]))
        {
            digits++;
        }

        return digits > 0 && digits + 1 < line.Length && line[digits] is '.' or ')' && line[digits + 1] == ' ' ? digits + 2 : 0;
    }
}
