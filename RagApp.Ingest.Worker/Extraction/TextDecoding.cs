using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using UtfUnknown;

namespace RagApp.Ingest.Worker.Extraction;

/// <summary>
/// Decodes a text document (plain text, Markdown, HTML) whatever its encoding, with line endings normalised to
/// <c>\n</c> so that offsets mean the same on every platform. In order: a byte-order mark (UTF-8, UTF-16, UTF-32)
/// decides; then, for HTML, a <c>&lt;meta charset&gt;</c> in the first 1024 bytes (as browsers prescan); then valid
/// UTF-8 is UTF-8. What is left is either binary data (rejected) or a legacy encoding, which UTF.Unknown's detector
/// (Mozilla's universal charset detector) names; Windows-1252, the usual encoding of Western text saved by Windows
/// tools, when it cannot tell.
/// </summary>
internal static partial class TextDecoding
{
    /// <summary>The HTML standard's prescan window for a meta charset.</summary>
    private const int MetaPrescanBytes = 1024;

    /// <summary>The detector is statistical: a large sample says as much as the whole file and bounds its time.</summary>
    private const int DetectionSampleBytes = 1024 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)
        ?? throw new InvalidOperationException("The Windows-1252 code page is not available.");

    // Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
    private static readonly (byte[] Preamble, Encoding Encoding)[] ByteOrderMarks =
    [
        ([0xFF, 0xFE, 0x00, 0x00], new UTF32Encoding(bigEndian: false, byteOrderMark: false, throwOnInvalidCharacters: true)),
        ([0x00, 0x00, 0xFE, 0xFF], new UTF32Encoding(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true)),
        ([0xEF, 0xBB, 0xBF], StrictUtf8),
        ([0xFF, 0xFE], new UnicodeEncoding(bigEndian: false, byteOrderMark: false, throwOnInvalidBytes: true)),
        ([0xFE, 0xFF], new UnicodeEncoding(bigEndian: true, byteOrderMark: false, throwOnInvalidBytes: true)),
    ];

    /// <param name="html">Honour an HTML meta charset declaration.</param>
    public static string Decode(ReadOnlySpan<byte> content, int maxCharacters, bool html = false)
    {
        var (encoding, preambleLength) = ChooseEncoding(content, html);
        content = content[preambleLength..];

        int length;
        try
        {
            length = encoding.GetCharCount(content);
        }
        catch (DecoderFallbackException ex)
        {
            // Only what a byte-order mark chose can fail here: BOM-less UTF-8 was validated, legacy code pages map every byte.
            var name = encoding.WebName.ToUpperInvariant();
            throw new DocumentRejectedException($"The document starts with a {name} byte-order mark, but the text is not valid {name}.", ex);
        }

        if (length > maxCharacters)
        {
            throw ExtractedTextBuilder.TooLong(maxCharacters);
        }

        return NormalizeLineEndings(encoding.GetString(content));
    }

    public static string NormalizeLineEndings(string text) =>
        text.Contains('\r', StringComparison.Ordinal) ? text.ReplaceLineEndings("\n") : text;

    private static (Encoding Encoding, int PreambleLength) ChooseEncoding(ReadOnlySpan<byte> content, bool html)
    {
        foreach (var (preamble, encoding) in ByteOrderMarks)
        {
            if (content.StartsWith(preamble))
            {
                return (encoding, preamble.Length);
            }
        }

        var isUtf8 = Utf8.IsValid(content);
        if (html && DeclaredHtmlEncoding(content) is { } declared
            && (declared.CodePage != Encoding.UTF8.CodePage || isUtf8))
        {
            // A page declaring UTF-8 that is not is mislabelled; the detector below does better than the label.
            return (declared, 0);
        }

        if (isUtf8)
        {
            return (StrictUtf8, 0);
        }

        if (IsBinary(content))
        {
            throw new DocumentRejectedException(
                "The document is binary data, not text (it contains NUL or other control bytes); upload it as a PDF, DOCX, HTML, Markdown or text file.");
        }

        return (DetectedEncoding(content[..Math.Min(content.Length, DetectionSampleBytes)]), 0);
    }

    /// <summary>NUL bytes, or more than one byte in 50 a control character that text does not use.</summary>
    private static bool IsBinary(ReadOnlySpan<byte> content)
    {
        if (content.Contains((byte)0))
        {
            return true;
        }

        var controls = 0;
        foreach (var b in content)
        {
            // Tab, line feed, vertical tab, form feed, carriage return and escape (ISO-2022 encodings) occur in text.
            if (b is < 0x20 and not (0x09 or 0x0A or 0x0B or 0x0C or 0x0D or 0x1B))
            {
                controls++;
            }
        }

        return controls > Math.Max(1, content.Length / 50);
    }

    private static Encoding DetectedEncoding(ReadOnlySpan<byte> sample)
    {
        var detected = CharsetDetector.DetectFromBytes(sample).Detected;
        var encoding = detected?.EncodingName is { } name ? EncodingNamed(name) : null;

        // Not valid UTF-8 and not binary, so not ASCII either: a detector answering ASCII (or nothing) saw too little.
        return encoding is null || encoding.CodePage == Encoding.ASCII.CodePage ? Windows1252 : encoding;
    }

    private static Encoding? DeclaredHtmlEncoding(ReadOnlySpan<byte> content)
    {
        // Latin-1 maps each byte to one char, so the ASCII of the markup survives whatever the encoding.
        var head = Encoding.Latin1.GetString(content[..Math.Min(content.Length, MetaPrescanBytes)]);
        var match = MetaCharset().Match(head);
        if (!match.Success || EncodingNamed(match.Groups["charset"].Value) is not { } encoding)
        {
            return null;
        }

        // Resolved here rather than by AngleSharp's TextEncoding, whose windows-1252 silently becomes UTF-8 when no
        // code-pages provider was registered before it first ran. As the HTML standard says: a page read as ASCII
        // bytes cannot be UTF-16 or UTF-32, whatever it declares; and Latin-1 and ASCII labels mean windows-1252.
        return encoding.CodePage switch
        {
            1200 or 1201 or 12000 or 12001 => Encoding.UTF8,
            28591 or 20127 => Windows1252,
            _ => encoding,
        };
    }

    private static Encoding? EncodingNamed(string name)
    {
        try
        {
            return CodePagesEncodingProvider.Instance.GetEncoding(name) ?? Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    // <meta charset="x"> and <meta http-equiv="Content-Type" content="text/html; charset=x">.
    [GeneratedRegex("""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*(?<charset>[A-Za-z0-9._:-]+)""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex MetaCharset();
}
