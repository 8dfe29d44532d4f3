using System.Text;
using RagApp.Ingest.Worker.Extraction;

namespace RagApp.Tests.Extraction;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>
/// Seeded, bounded fuzzing of every extractor: a valid document of each format, mutated 200 ways (truncated, bytes
/// flipped, random bytes behind its valid magic number, a block repeated), must each come out as text or as a
/// <see cref="DocumentRejectedException"/>. Any other exception would dead-letter a user's document as our bug or
/// retry it for nothing; a hang would hold a worker slot. The seed makes a failure reproducible from its message.
/// </summary>
public class ExtractorFuzzTests
{
    private const int Mutations = 200;

    /// <summary>Only catches hangs; each call normally takes milliseconds.</summary>
    private static readonly TimeSpan CallLimit = TimeSpan.FromSeconds(20);

    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private readonly DocumentExtractor _extractor = Extractors.Create();

    public static TheoryData<DocumentFormat> Formats => new(Enum.GetValues<DocumentFormat>());

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task MutatedDocument_IsReadOrRejected_NeverAnythingElse(DocumentFormat format)
    {
        var (original, magicLength) = Fixture(format);
        var random = new Random(20_261_202 + (int)format);

        for (var i = 0; i < Mutations; i++)
        {
            var (mutation, content) = Mutate(original, magicLength, random);
            var what = $"{format} mutation #{i} ({mutation}, {content.Length} bytes)";
            var call = Task.Run(() => _extractor.Extract(format, content, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);
            try
            {
                await call.WaitAsync(CallLimit, TestContext.Current.CancellationToken);
            }
            catch (DocumentRejectedException)
            {
                // Rejected with a message for the user: as good as read.
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{what} did not finish within {CallLimit.TotalSeconds:F0} s");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Assert.Fail($"{what} threw {ex}");
            }
        }
    }

    /// <summary>A valid document of the format, and the length of the prefix that identifies it (its magic number).</summary>
    private static (byte[] Content, int MagicLength) Fixture(DocumentFormat format) => format switch
    {
        DocumentFormat.Pdf => (PdfFixtures.MultiPage(), "%PDF-1.7\n".Length),
        DocumentFormat.Docx => (DocxFixtures.Handbook(), 4),
        DocumentFormat.Html => (Windows1252.GetBytes(
            "<!DOCTYPE html><html><head><meta charset=\"windows-1252\"><title>Caf\u00e9 menu</title></head><body>"
            + "<h1>Starters</h1><p>Soup \u2013 <b>na\u00efve</b> \u201cquotes\u201d &amp; more.</p><table><tr><td>Bread</td><td>2 \u20ac</td></tr></table>"
            + "<h2>Mains</h2><ul><li>Fish</li><li>Cr\u00eape</li></ul><pre>  kept  as is</pre></body></html>"), "<!DOCTYPE html>".Length),
        DocumentFormat.Markdown => (Encoding.UTF8.GetBytes(
            "# Install\n\nDownload the package \u2013 it is small.\n\n## Linux\n\n```bash\n# not a heading\nsudo apt install fern\n```\n\n"
            + "Windows\n-------\n\n- a list item\n> a quote with \u00fcml\u00e4uts\n\n# Usage #\n\nRun it. \U0001F33F\n"), 2),
        _ => ([.. Encoding.Unicode.Preamble, .. Encoding.Unicode.GetBytes("Plain text in UTF-16: caf\u00e9, \u65e5\u672c\u8a9e, \U0001F33F.\r\nSecond line.\n")], 2),
    };

    private static (string Mutation, byte[] Content) Mutate(byte[] original, int magicLength, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return ("truncated", original[..random.Next(1, original.Length)]);
            case 1:
                var flipped = (byte[])original.Clone();
                for (var flips = random.Next(1, 20); flips > 0; flips--)
                {
                    flipped[random.Next(flipped.Length)] = (byte)random.Next(256);
                }

                return ("bytes flipped", flipped);
            case 2:
                var noise = new byte[magicLength + random.Next(1, original.Length)];
                original.AsSpan(0, magicLength).CopyTo(noise);
                random.NextBytes(noise.AsSpan(magicLength));
                return ("random bytes behind the magic number", noise);
            default:
                var start = random.Next(original.Length);
                var block = original[start..][..Math.Min(original.Length - start, random.Next(1, 400))];
                return ("block repeated", [.. original[..start], .. block, .. block, .. original[start..]]);
        }
    }
}
