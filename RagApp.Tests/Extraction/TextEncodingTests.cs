using System.Text;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>
/// Text documents come in whatever encoding the tool that saved them used: each must come out as the text it was,
/// and only what is really binary is refused.
/// </summary>
public class TextEncodingTests
{
    private const string WesternText =
        "Le café – naïve “quotes” and an accented résumé: the garçon served crème brûlée à la carte, déjà vu.";

    // Latin-1 has no dashes or curly quotes.
    private const string LatinText = "Über den Fluß: señor Ørsted aß Smørrebrød in der Cafétéria, très naïf, à côté.";

    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private readonly DocumentExtractor _extractor = Extractors.Create();

    public static TheoryData<DocumentFormat> TextFormats => new(DocumentFormat.PlainText, DocumentFormat.Markdown);

    [Theory]
    [MemberData(nameof(TextFormats))]
    public void Windows1252Text_IsDetected_AndReadAsWritten(DocumentFormat format)
    {
        var document = Extract(format, Windows1252.GetBytes(WesternText));

        Assert.Equal(WesternText, document.Text);
    }

    [Theory]
    [MemberData(nameof(TextFormats))]
    public void Latin1Text_IsDetected_AndReadAsWritten(DocumentFormat format)
    {
        var document = Extract(format, Encoding.Latin1.GetBytes(LatinText));

        Assert.Equal(LatinText, document.Text);
    }

    [Fact]
    public void CyrillicWindows1251Text_IsDetected_AndReadAsWritten()
    {
        var text = "Съешь же ещё этих мягких французских булок, да выпей чаю. Широкая электрификация южных губерний даст мощный толчок подъёму сельского хозяйства.";
        var bytes = CodePagesEncodingProvider.Instance.GetEncoding(1251)!.GetBytes(text);

        var document = Extract(DocumentFormat.PlainText, bytes);

        Assert.Equal(text, document.Text);
    }

    public static TheoryData<string, byte[]> TextsWithByteOrderMarks => new()
    {
        { "UTF-8", [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(WesternText)] },
        { "UTF-16 LE", [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes(WesternText)] },
        { "UTF-16 BE", [.. Encoding.BigEndianUnicode.Preamble, .. Encoding.BigEndianUnicode.GetBytes(WesternText)] },
        { "UTF-32 LE", [.. Encoding.UTF32.Preamble, .. Encoding.UTF32.GetBytes(WesternText)] },
        { "UTF-32 BE", [.. new UTF32Encoding(true, true).Preamble, .. new UTF32Encoding(true, true).GetBytes(WesternText)] },
    };

    [Theory]
    [MemberData(nameof(TextsWithByteOrderMarks))]
    public void TextWithAByteOrderMark_IsReadInThatEncoding(string encoding, byte[] content)
    {
        var document = Extract(DocumentFormat.PlainText, content);

        Assert.True(WesternText == document.Text, $"{encoding} came out as: {document.Text}");
    }

    [Fact]
    public void Utf16ByteOrderMark_FollowedByInvalidUtf16_IsRejected()
    {
        // A high surrogate with no low surrogate after it.
        byte[] content = [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes("text "), 0x3D, 0xD8, 0x41, 0x00];

        var error = Assert.Throws<DocumentRejectedException>(() => Extract(DocumentFormat.PlainText, content));

        Assert.Equal("The document starts with a UTF-16 byte-order mark, but the text is not valid UTF-16.", error.Message);
    }

    [Fact]
    public void Utf16WithByteOrderMark_PassesTheFormatCheck()
    {
        byte[] content = [.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes("text")];

        Assert.True(DocumentFormats.IsConsistent(DocumentFormat.PlainText, content, out var problem), problem);
    }

    [Theory]
    [InlineData("<meta charset=\"windows-1252\">")]
    [InlineData("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">")]
    [InlineData("<META CHARSET=ISO-8859-1>")]
    public void HtmlInWindows1252_WithAMetaCharset_IsReadAsWritten(string meta)
    {
        var html = $"<!DOCTYPE html><html><head>{meta}<title>Menu</title></head><body><p>{WesternText}</p></body></html>";

        var document = Extract(DocumentFormat.Html, Windows1252.GetBytes(html));

        Assert.Equal(WesternText, document.Text);
        Assert.Equal("Menu", document.Title);
    }

    [Fact]
    public void HtmlMetaCharset_DecidesOverWhatTheBytesLookLike()
    {
        // Windows-1252 text whose bytes happen to be valid UTF-8 ("Ã©" is C3 A9, UTF-8 for "é"): only the
        // declaration tells which the page is in.
        const string Text = "Ã©tÃ© Â© Ã‰cole";
        var html = $"<html><head><meta charset=\"windows-1252\"></head><body><p>{Text}</p></body></html>";
        var bytes = Windows1252.GetBytes(html);
        Assert.True(System.Text.Unicode.Utf8.IsValid(bytes), "the fixture should be valid UTF-8 as well");

        var document = Extract(DocumentFormat.Html, bytes);

        Assert.Equal(Text, document.Text);
    }

    [Fact]
    public void HtmlInKoi8R_WithAMetaCharset_IsReadAsWritten()
    {
        const string Text = "Съешь же ещё этих мягких французских булок, да выпей чаю.";
        var html = $"<html><head><meta charset=\"koi8-r\"></head><body><p>{Text}</p></body></html>";

        var document = Extract(DocumentFormat.Html, CodePagesEncodingProvider.Instance.GetEncoding("koi8-r")!.GetBytes(html));

        Assert.Equal(Text, document.Text);
    }

    [Fact]
    public void HtmlDeclaringUtf8_ButWrittenInWindows1252_IsStillRead()
    {
        var html = $"<html><head><meta charset=\"utf-8\"></head><body><p>{WesternText}</p></body></html>";

        var document = Extract(DocumentFormat.Html, Windows1252.GetBytes(html));

        Assert.Equal(WesternText, document.Text);
    }

    [Fact]
    public void RandomBinaryDeclaredAsText_IsRejected()
    {
        var noise = new byte[4096];
        new Random(5).NextBytes(noise);

        var error = Assert.Throws<DocumentRejectedException>(() => Extract(DocumentFormat.PlainText, noise));

        Assert.Contains("binary data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomBinaryWithoutNulBytes_IsRejected()
    {
        var noise = new byte[4096];
        new Random(6).NextBytes(noise);
        noise.AsSpan().Replace((byte)0, (byte)1);

        var error = Assert.Throws<DocumentRejectedException>(() => Extract(DocumentFormat.Markdown, noise));

        Assert.Contains("binary data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PngRenamedToTxt_IsRejected()
    {
        Assert.True(DocumentFormats.TryFromFileName("diagram.txt", out var format));

        var error = Assert.Throws<DocumentRejectedException>(() => Extract(format, TinyPng()));

        Assert.Contains("binary data", error.Message, StringComparison.Ordinal);
    }

    private ExtractedDocument Extract(DocumentFormat format, byte[] content) =>
        _extractor.Extract(format, content, TestContext.Current.CancellationToken);

    /// <summary>A 1×1 PNG: signature, IHDR, IDAT and IEND chunks.</summary>
    private static byte[] TinyPng() => Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
}
