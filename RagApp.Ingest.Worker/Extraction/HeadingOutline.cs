using RagApp.Core.Documents;

namespace RagApp.Ingest.Worker.Extraction;

/// <summary>Collects headings in document order and turns them into section spans with paths like "Install &gt; Linux".</summary>
internal sealed class HeadingOutline
{
    private readonly List<(int Level, string Title, int Start)> _headings = [];

    public string? FirstTopLevelTitle { get; private set; }

    /// <param name="level">1 for the outermost heading level.</param>
    /// <param name="start">Offset of the heading in the extracted text; headings must arrive in increasing order.</param>
    public void Add(int level, string title, int start)
    {
        title = TextWhiteSpace.Collapse(title);
        if (title.Length == 0)
        {
            return;
        }

        if (level == 1)
        {
            FirstTopLevelTitle ??= title;
        }

        _headings.Add((level, title, start));
    }

    public IReadOnlyList<SectionSpan> ToSections(int textLength)
    {
        var sections = new List<SectionSpan>(_headings.Count);
        var open = new List<(int Level, string Title)>();
        for (var i = 0; i < _headings.Count; i++)
        {
            var (level, title, start) = _headings[i];
            while (open.Count > 0 && open[^1].Level >= level)
            {
                open.RemoveAt(open.Count - 1);
            }

            open.Add((level, title));
            var end = i + 1 < _headings.Count ? _headings[i + 1].Start : textLength;
            sections.Add(new SectionSpan(string.Join(SectionSpan.PathSeparator, open.Select(h => h.Title)), start, Math.Max(start, end)));
        }

        return sections;
    }
}
