using System.Text;

namespace RagApp.Ingest.Worker.Extraction;

/// <summary>Strict UTF-8 decoding with line endings normalised to <c>\n</c>, so offsets mean the same on every platform.</summary>
internal static class TextDecoding
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string DecodeUtf8(ReadOnlySpan<byte> content, int maxCharacters)
    {
        if (content.StartsWith(Encoding.UTF8.Preamble))
        {
            content = content[Encoding.UTF8.Preamble.Length..];
        }

        int length;
        try
        {
            length = StrictUtf8.GetCharCount(content);
        }
        catch (DecoderFallbackException ex)
        {
            throw new DocumentRejectedException("The document is not valid UTF-8 text.", ex);
        }

        if (length > maxCharacters)
        {
            throw ExtractedTextBuilder.TooLong(maxCharacters);
        }

        return NormalizeLineEndings(StrictUtf8.GetString(content));
    }

    public static string NormalizeLineEndings(string text) =>
        text.Contains('\r', StringComparison.Ordinal) ? text.ReplaceLineEndings("\n") : text;
}
