using System.Globalization;
using System.Text;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace RagApp.Tests.Extraction;

/// <summary>PDFs written in code: with PdfPig's builder, or by hand where PdfPig cannot write the structure needed.</summary>
internal static class PdfFixtures
{
    public const string Title = "Field Guide to Ferns";

    /// <summary>Three pages; each line of each page is its own text operation, as a real PDF would have.</summary>
    public static readonly string[][] Pages =
    [
        ["Chapter one introduces the fern family.", "Ferns reproduce with spores, not seeds."],
        ["Chapter two covers the bracken fern.", "Bracken spreads by underground rhizomes."],
        ["Chapter three lists the maidenhair ferns.", "They prefer damp and shaded places."],
    ];

    public static byte[] MultiPage(string? title = Title, int pageCount = 3)
    {
        using var builder = new PdfDocumentBuilder();
        if (title is not null)
        {
            builder.DocumentInformation.Title = title;
        }

        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var i = 0; i < pageCount; i++)
        {
            var page = builder.AddPage(PageSize.A4);
            var lines = Pages[i % Pages.Length];
            for (var line = 0; line < lines.Length; line++)
            {
                page.AddText(lines[line], 12, new PdfPoint(72, 760 - (line * 20)), font);
            }
        }

        return builder.Build();
    }

    /// <summary>A one-page PDF whose standard security handler wants a password we do not have.</summary>
    public static byte[] PasswordProtected()
    {
        var garbage = Convert.ToHexString(Enumerable.Range(0, 32).Select(i => (byte)(i * 7 + 3)).ToArray());
        return Raw(
            ["<< /Type /Catalog /Pages 2 0 R >>",
             "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
             Stream("BT /F1 12 Tf 72 700 Td (secret) Tj ET"),
             $"<< /Filter /Standard /V 1 /R 2 /O <{garbage}> /U <{garbage}> /P -44 >>"],
            "/Encrypt 5 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>]");
    }

    /// <summary>A syntactically framed PDF (header, end marker) whose body is noise.</summary>
    public static byte[] HeaderAndNoise(int seed)
    {
        var noise = new byte[20_000];
        new Random(seed).NextBytes(noise);
        return [.. "%PDF-1.7\n"u8, .. noise, .. "\n%%EOF\n"u8];
    }

    /// <summary>Writes objects 1..n with a correct cross-reference table.</summary>
    public static byte[] Raw(IReadOnlyList<string> objects, string extraTrailerEntries = "")
    {
        var pdf = new StringBuilder("%PDF-1.4\n");
        var offsets = new List<int>();
        for (var i = 0; i < objects.Count; i++)
        {
            offsets.Add(pdf.Length);
            pdf.Append(CultureInfo.InvariantCulture, $"{i + 1} 0 obj\n{objects[i]}\nendobj\n");
        }

        var xref = pdf.Length;
        pdf.Append(CultureInfo.InvariantCulture, $"xref\n0 {objects.Count + 1}\n0000000000 65535 f \n");
        foreach (var offset in offsets)
        {
            pdf.Append(CultureInfo.InvariantCulture, $"{offset:D10} 00000 n \n");
        }

        pdf.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {objects.Count + 1} /Root 1 0 R {extraTrailerEntries} >>\nstartxref\n{xref}\n%%EOF\n");
        return Encoding.ASCII.GetBytes(pdf.ToString());
    }

    private static string Stream(string content) =>
        string.Create(CultureInfo.InvariantCulture, $"<< /Length {content.Length} >>\nstream\n{content}\nendstream");
}
