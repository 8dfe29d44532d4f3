namespace RagApp.Ingest.Worker.Extraction;

/// <summary>The text under one heading; <see cref="Path"/> names the heading and its parents, e.g. "Install &gt; Linux".</summary>
public sealed record SectionSpan(string Path, int Start, int End)
{
    public const string PathSeparator = " > ";
}
