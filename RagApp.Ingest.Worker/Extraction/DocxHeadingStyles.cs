using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace RagApp.Ingest.Worker.Extraction;

/// <summary>
/// Which paragraph styles of a DOCX are headings (level 1–9) or the title. Word localises style ids
/// ("berschrift1" in German) but not the names of built-in styles ("heading 1"), so names decide,
/// then outline levels, then the style a custom style is based on.
/// </summary>
internal sealed class DocxHeadingStyles
{
    public const int TitleLevel = 0;

    private const int BasedOnChainLimit = 16;

    private readonly Dictionary<string, (string? Name, int? OutlineLevel, string? BasedOn)> _styles = new(StringComparer.Ordinal);

    /// <summary>The heading level of a paragraph style: 1–9, <see cref="TitleLevel"/> for the title, null for body text.</summary>
    public int? LevelOf(string? styleId)
    {
        for (var hops = 0; styleId is not null && hops < BasedOnChainLimit; hops++)
        {
            if (!_styles.TryGetValue(styleId, out var style))
            {
                return LevelFromName(styleId.Replace("Heading", "heading ", StringComparison.Ordinal));
            }

            if (LevelFromName(style.Name) is int level)
            {
                return level;
            }

            if (style.OutlineLevel is int outline)
            {
                return outline is >= 0 and <= 8 ? outline + 1 : null;
            }

            styleId = style.BasedOn;
        }

        return null;
    }

    /// <summary>Word's outline level (0–8) on a paragraph, as a heading level.</summary>
    public static int? LevelFromOutline(int? outlineLevel) => outlineLevel is >= 0 and <= 8 ? outlineLevel + 1 : null;

    public static DocxHeadingStyles Read(StyleDefinitionsPart? part, int maxDepth, CancellationToken cancellationToken)
    {
        var styles = new DocxHeadingStyles();
        if (part is null)
        {
            return styles;
        }

        using var reader = OpenXmlReader.Create(part);
        string? id = null, name = null, basedOn = null;
        int? outline = null;
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (reader.Depth > maxDepth)
            {
                throw new DocumentRejectedException("The DOCX file's styles are nested too deeply to be a real document.");
            }

            if (reader.ElementType == typeof(Style))
            {
                if (reader.IsStartElement)
                {
                    id = AttributeOf(reader, "styleId");
                    name = basedOn = null;
                    outline = null;
                }
                else if (id is not null)
                {
                    styles._styles[id] = (name, outline, basedOn);
                    id = null;
                }
            }
            else if (reader.IsStartElement && id is not null)
            {
                if (reader.ElementType == typeof(StyleName))
                {
                    name = AttributeOf(reader, "val");
                }
                else if (reader.ElementType == typeof(BasedOn))
                {
                    basedOn = AttributeOf(reader, "val");
                }
                else if (reader.ElementType == typeof(OutlineLevel))
                {
                    outline = IntAttributeOf(reader, "val");
                }
            }
        }

        return styles;
    }

    public static string? AttributeOf(OpenXmlReader reader, string localName)
    {
        foreach (var attribute in reader.Attributes)
        {
            if (attribute.LocalName == localName)
            {
                return attribute.Value;
            }
        }

        return null;
    }

    public static int? IntAttributeOf(OpenXmlReader reader, string localName) =>
        int.TryParse(AttributeOf(reader, localName), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static int? LevelFromName(string? name)
    {
        if (name is null)
        {
            return null;
        }

        if (name.Equals("title", StringComparison.OrdinalIgnoreCase))
        {
            return TitleLevel;
        }

        return name.StartsWith("heading ", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(name.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out var level)
            && level is >= 1 and <= 9
                ? level
                : null;
    }
}
