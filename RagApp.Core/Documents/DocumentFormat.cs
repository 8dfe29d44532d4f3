namespace RagApp.Core.Documents;

/// <summary>The document formats RagApp can ingest.</summary>
public enum DocumentFormat
{
    PlainText,
    Markdown,
    Html,
    Pdf,
    Docx,
}
