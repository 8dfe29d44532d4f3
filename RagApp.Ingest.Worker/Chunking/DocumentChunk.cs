namespace RagApp.Ingest.Worker.Chunking;

/// <summary>
/// A chunk of an extracted document. <see cref="Page"/> is the 1-based page holding the chunk's first
/// character (0 when the format has no pages); <see cref="Section"/> the heading path there, if any.
/// </summary>
public sealed record DocumentChunk(int Ordinal, string Text, int Start, int End, int Page, string? Section);
