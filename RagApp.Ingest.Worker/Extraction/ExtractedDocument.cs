namespace RagApp.Ingest.Worker.Extraction;

/// <summary>
/// The plain text of a document with where its pages and sections lie in that text.
/// Offsets are UTF-16 indices into <see cref="Text"/>, end exclusive.
/// </summary>
/// <param name="Pages">One span per page that has text, in page order; empty for formats without pages.</param>
/// <param name="Sections">
/// Non-overlapping spans, one per heading, each running from its heading to the next heading of any level;
/// text before the first heading belongs to no section.
/// </param>
public sealed record ExtractedDocument(
    string Text,
    string? Title,
    IReadOnlyList<PageSpan> Pages,
    IReadOnlyList<SectionSpan> Sections);
