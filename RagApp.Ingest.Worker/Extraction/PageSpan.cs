namespace RagApp.Ingest.Worker.Extraction;

/// <summary>The text of one page: <c>Text[Start..End]</c>, with a 1-based page number.</summary>
public sealed record PageSpan(int PageNumber, int Start, int End);
