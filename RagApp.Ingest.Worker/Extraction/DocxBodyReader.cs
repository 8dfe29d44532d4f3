using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using RagApp.Core.Documents;

namespace RagApp.Ingest.Worker.Extraction;

/// <summary>
/// Streams the main document part with OpenXmlReader and writes its text into an <see cref="ExtractedTextBuilder"/>.
/// Paragraphs nested in a paragraph (text boxes) join their outer paragraph; tables nested in a cell join that cell.
/// </summary>
internal sealed class DocxBodyReader(ExtractedTextBuilder builder, DocxHeadingStyles styles, int maxDepth)
{
    private const string MarkupCompatibilityNamespace = "http://schemas.openxmlformats.org/markup-compatibility/2006";

    private readonly StringBuilder _paragraph = new();
    private readonly StringBuilder _cell = new();
    private readonly List<string> _row = [];
    private int _paragraphDepth;
    private int _tableDepth;
    private string? _styleId;
    private int? _outlineLevel;
    private string? _title;
    private int _skipDepth = -1;

    /// <returns>The text of the first paragraph styled as the title, if any.</returns>
    public string? Read(MainDocumentPart part, CancellationToken cancellationToken)
    {
        using var reader = OpenXmlReader.Create(part);
        var visited = 0;
        while (reader.Read())
        {
            if ((++visited & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (reader.Depth > maxDepth)
            {
                throw new DocumentRejectedException($"The DOCX file is nested more than {maxDepth} elements deep, which no real document needs.");
            }

            // Alternate content repeats its Choice in a Fallback for old readers; read it once.
            if (_skipDepth >= 0)
            {
                if (reader.IsEndElement && reader.Depth == _skipDepth)
                {
                    _skipDepth = -1;
                }

                continue;
            }

            if (reader.IsStartElement && reader.LocalName == "Fallback" && reader.NamespaceUri == MarkupCompatibilityNamespace)
            {
                _skipDepth = reader.Depth;
                continue;
            }

            if (reader.IsStartElement)
            {
                Start(reader);
            }
            else if (reader.IsEndElement)
            {
                End(reader.ElementType);
            }
        }

        return _title;
    }

    private void Start(OpenXmlReader reader)
    {
        var type = reader.ElementType;
        if (type == typeof(Paragraph))
        {
            if (_paragraphDepth++ == 0)
            {
                _paragraph.Clear();
                _styleId = null;
                _outlineLevel = null;
            }
            else
            {
                _paragraph.Append(' ');
            }
        }
        else if (type == typeof(Text))
        {
            _paragraph.Append(reader.GetText());
        }
        else if (type == typeof(TabChar) || type == typeof(PositionalTab))
        {
            _paragraph.Append(' ');
        }
        else if (type == typeof(Break) || type == typeof(CarriageReturn))
        {
            _paragraph.Append('\n');
        }
        else if (type == typeof(NoBreakHyphen))
        {
            _paragraph.Append('-');
        }
        else if (type == typeof(ParagraphStyleId) && _paragraphDepth == 1)
        {
            _styleId = DocxHeadingStyles.AttributeOf(reader, "val");
        }
        else if (type == typeof(OutlineLevel) && _paragraphDepth == 1)
        {
            _outlineLevel = DocxHeadingStyles.IntAttributeOf(reader, "val");
        }
        else if (type == typeof(Table) && _tableDepth++ == 0)
        {
            builder.RequestParagraphBreak();
        }
        else if (type == typeof(TableRow) && _tableDepth == 1)
        {
            _row.Clear();
        }
        else if (type == typeof(TableCell) && _tableDepth == 1)
        {
            _cell.Clear();
        }
    }

    private void End(Type type)
    {
        if (type == typeof(Paragraph) && --_paragraphDepth == 0)
        {
            EndParagraph();
        }
        else if (type == typeof(TableCell) && _tableDepth == 1)
        {
            _row.Add(TextWhiteSpace.Collapse(_cell.ToString()));
        }
        else if (type == typeof(TableRow) && _tableDepth == 1)
        {
            builder.RequestLineBreak();
            builder.AppendInline(string.Join(" | ", _row.Where(cell => cell.Length > 0)));
        }
        else if (type == typeof(Table) && --_tableDepth == 0)
        {
            builder.RequestParagraphBreak();
        }
    }

    private void EndParagraph()
    {
        if (_tableDepth > 0)
        {
            _cell.Append(' ').Append(_paragraph);
            return;
        }

        var level = DocxHeadingStyles.LevelFromOutline(_outlineLevel) ?? styles.LevelOf(_styleId);
        builder.RequestParagraphBreak();
        var from = builder.Length;
        foreach (var line in _paragraph.ToString().Split('\n'))
        {
            builder.RequestLineBreak();
            builder.AppendInline(line);
        }

        builder.RequestParagraphBreak();
        if (level is not int headingLevel)
        {
            return;
        }

        var (text, start) = builder.TextSince(from);
        if (headingLevel == DocxHeadingStyles.TitleLevel)
        {
            _title ??= text.Length > 0 ? text : null;
        }
        else
        {
            builder.Outline.Add(headingLevel, text, start);
        }
    }
}
