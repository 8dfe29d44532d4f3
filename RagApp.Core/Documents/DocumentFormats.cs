using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace RagApp.Core.Documents;

/// <summary>
/// Maps content types and file names to <see cref="DocumentFormat"/> and checks that a declared format
/// matches the bytes. The gateway uses it to answer 415 before queueing an upload; the worker repeats
/// the check because a queued job may come from elsewhere.
/// </summary>
public static class DocumentFormats
{
    public const string DocxContentType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    /// <summary>PDF readers tolerate a few leading bytes before the header; Acrobat looks within the first 1 KB.</summary>
    private const int PdfHeaderSearchBytes = 1024;

    private static readonly Dictionary<string, DocumentFormat> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["text/plain"] = DocumentFormat.PlainText,
        ["text/markdown"] = DocumentFormat.Markdown,
        ["text/x-markdown"] = DocumentFormat.Markdown,
        ["text/html"] = DocumentFormat.Html,
        ["application/xhtml+xml"] = DocumentFormat.Html,
        ["application/pdf"] = DocumentFormat.Pdf,
        ["application/x-pdf"] = DocumentFormat.Pdf,
        [DocxContentType] = DocumentFormat.Docx,
    };

    private static readonly Dictionary<string, DocumentFormat> Extensions = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = DocumentFormat.PlainText,
        [".text"] = DocumentFormat.PlainText,
        [".md"] = DocumentFormat.Markdown,
        [".markdown"] = DocumentFormat.Markdown,
        [".htm"] = DocumentFormat.Html,
        [".html"] = DocumentFormat.Html,
        [".pdf"] = DocumentFormat.Pdf,
        [".docx"] = DocumentFormat.Docx,
    };

    /// <summary>Content types of the supported formats, for error messages and API documentation.</summary>
    public static IReadOnlyList<string> SupportedContentTypes { get; } =
        [.. Enum.GetValues<DocumentFormat>().Select(ContentTypeOf)];

    /// <summary>File extensions of the supported formats, for error messages and API documentation.</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = [.. Extensions.Keys];

    /// <summary>Reads a media type such as <c>text/plain; charset=utf-8</c>; parameters are ignored.</summary>
    public static bool TryFromContentType(string? contentType, out DocumentFormat format)
    {
        format = default;
        var mediaType = MediaTypeOf(contentType);
        return mediaType.Length > 0 && ContentTypes.TryGetValue(mediaType, out format);
    }

    public static bool TryFromFileName(string? fileName, out DocumentFormat format)
    {
        format = default;
        var extension = Path.GetExtension(fileName?.Trim());
        return !string.IsNullOrEmpty(extension) && Extensions.TryGetValue(extension, out format);
    }

    public static string ContentTypeOf(DocumentFormat format) => format switch
    {
        DocumentFormat.PlainText => "text/plain",
        DocumentFormat.Markdown => "text/markdown",
        DocumentFormat.Html => "text/html",
        DocumentFormat.Pdf => "application/pdf",
        DocumentFormat.Docx => DocxContentType,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown document format."),
    };

    /// <summary>
    /// Decides the format of an upload. The declared content type wins; an empty one or
    /// <c>application/octet-stream</c> (what curl and many clients send) falls back to the file extension.
    /// <c>text/plain</c> with a Markdown extension is read as Markdown, since browsers often label .md files so.
    /// </summary>
    public static bool Resolve(
        string? declaredContentType,
        string? fileName,
        out DocumentFormat format,
        [NotNullWhen(false)] out string? problem)
    {
        problem = null;
        var mediaType = MediaTypeOf(declaredContentType);
        if (mediaType.Length == 0
            || mediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("binary/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            if (TryFromFileName(fileName, out format))
            {
                return true;
            }

            var extension = Path.GetExtension(fileName?.Trim());
            problem = string.IsNullOrEmpty(extension)
                ? $"the file type cannot be determined: send a supported content type ({string.Join(", ", SupportedContentTypes)}) or a file name ending in {string.Join(", ", SupportedExtensions)}"
                : $"unsupported file type '{extension}'; supported: {string.Join(", ", SupportedExtensions)}";
            return false;
        }

        if (!TryFromContentType(mediaType, out format))
        {
            problem = $"unsupported content type '{mediaType}'; supported: {string.Join(", ", SupportedContentTypes)}";
            return false;
        }

        if (format == DocumentFormat.PlainText && TryFromFileName(fileName, out var byName) && byName == DocumentFormat.Markdown)
        {
            format = DocumentFormat.Markdown;
        }

        return true;
    }

    /// <summary>
    /// Checks the declared format against the content: a PDF must start with <c>%PDF-</c> (after at most
    /// 1 KB of whitespace or a byte-order mark), a DOCX must be a ZIP archive, and text formats must not contain
    /// NUL bytes (unless a UTF-16 or UTF-32 byte-order mark says why) nor be a PDF or ZIP in disguise. Text in any
    /// encoding passes; the ingest worker detects it. An empty document is never consistent.
    /// </summary>
    /// <param name="problem">A short, user-readable reason when the check fails.</param>
    public static bool IsConsistent(DocumentFormat declared, ReadOnlySpan<byte> content, [NotNullWhen(false)] out string? problem)
    {
        var declaredType = ContentTypeOf(declared);
        if (content.IsEmpty)
        {
            problem = "the document is empty";
            return false;
        }

        problem = declared switch
        {
            DocumentFormat.Pdf when !StartsWithPdfHeader(content) =>
                $"declared {declaredType} but the content is not a PDF (it does not start with %PDF-)",
            DocumentFormat.Docx when !IsZip(content) =>
                $"declared {declaredType} but the content is not a DOCX file (it is not a ZIP archive)",
            DocumentFormat.PlainText or DocumentFormat.Markdown or DocumentFormat.Html => TextProblem(declaredType, content),
            _ => null,
        };
        return problem is null;
    }

    private static string? TextProblem(string declaredType, ReadOnlySpan<byte> content)
    {
        if (StartsWithPdfHeader(content))
        {
            return $"declared {declaredType} but the content is a PDF";
        }

        if (IsZip(content))
        {
            return $"declared {declaredType} but the content is a ZIP archive (such as a DOCX file)";
        }

        // UTF-16 and UTF-32 text is full of NUL bytes; its byte-order mark says it is text. Other encodings than UTF-8
        // are the worker's to detect (it also rejects binary data without NUL bytes).
        if (content.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || content.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || content.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return null;
        }

        if (content.Contains((byte)0))
        {
            return $"declared {declaredType} but the content contains NUL bytes, so it is binary data rather than text";
        }

        return null;
    }

    private static bool StartsWithPdfHeader(ReadOnlySpan<byte> content)
    {
        var start = content.StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        var limit = Math.Min(content.Length, PdfHeaderSearchBytes);
        while (start < limit && content[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'\f' or 0)
        {
            start++;
        }

        return start < limit && content[start..].StartsWith("%PDF-"u8);
    }

    // Local file header, empty archive and spanned-archive signatures.
    private static bool IsZip(ReadOnlySpan<byte> content) =>
        content.StartsWith("PK\x03\x04"u8) || content.StartsWith("PK\x05\x06"u8) || content.StartsWith("PK\x07\x08"u8);

    private static string MediaTypeOf(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return string.Empty;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        return (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim();
    }
}
