namespace RagApp.Core.Documents;

/// <summary>White space in extracted text, shared by the worker's extractors and RagApp.Rag's answerers.</summary>
public static class TextWhiteSpace
{
    /// <summary>The text with each run of white space (line breaks, indentation, padding) made one space, trimmed.</summary>
    public static string Collapse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }
}
