using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using UglyToad.PdfPig.Writer;

namespace RagApp.Reliability;

/// <summary>
/// Malformed requests and documents, generated from a seed: every format, both upload paths (a JSON text and a
/// multipart file), broken multipart bodies. Each is a name and a request to send; stalled bodies are separate
/// (<see cref="HostileInputScenario"/>), since they need a raw socket.
/// </summary>
internal static class HostileInputs
{
    private const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static readonly (string Extension, string ContentType, byte[] Magic)[] Formats =
    [
        (".txt", "text/plain", []),
        (".md", "text/markdown", "# Title\n\n"u8.ToArray()),
        (".html", "text/html", "<!DOCTYPE html><html><head><title>t</title></head><body>"u8.ToArray()),
        (".pdf", "application/pdf", "%PDF-1.7\n"u8.ToArray()),
        (".docx", Docx, [0x50, 0x4B, 0x03, 0x04]),
    ];

    public static IEnumerable<(string Kind, Func<HttpRequestMessage> Request)> Create(int seed)
    {
        var random = new Random(seed);
        var valid = new Dictionary<string, byte[]>
        {
            [".txt"] = Encoding.UTF8.GetBytes(SyntheticText.Create(random, "hostile", 1, 400)),
            [".md"] = Encoding.UTF8.GetBytes("# Heading\n\n" + SyntheticText.Create(random, "hostile", 2, 400)),
            [".html"] = Encoding.UTF8.GetBytes("<html><head><title>T</title></head><body><h1>H</h1><p>" + SyntheticText.Create(random, "hostile", 3, 400) + "</p></body></html>"),
            [".pdf"] = Pdf(SyntheticText.Create(random, "hostile", 4, 200)),
            [".docx"] = DocxOf(SyntheticText.Create(random, "hostile", 5, 300)),
        };

        // Multipart path, every format.
        foreach (var (extension, contentType, magic) in Formats)
        {
            for (var i = 0; i < 10; i++)
            {
                var cut = valid[extension][..random.Next(1, valid[extension].Length - 1)];
                yield return ($"multipart {extension}: truncated", () => File(cut, $"truncated{extension}", contentType));
            }

            for (var i = 0; i < 8; i++)
            {
                var noise = magic.Concat(RandomBytes(random, 16 + random.Next(64 * 1024))).ToArray();
                yield return ($"multipart {extension}: random bytes behind its magic number", () => File(noise, $"noise{extension}", contentType));
            }

            for (var i = 0; i < 4; i++)
            {
                var flipped = (byte[])valid[extension].Clone();
                for (var j = 0; j < 1 + (flipped.Length / 200); j++)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 + random.Next(255));
                }

                yield return ($"multipart {extension}: bytes flipped", () => File(flipped, $"flipped{extension}", contentType));
            }

            var huge = new string('m', 1024 * 1024);
            yield return ($"multipart {extension}: 1 MiB metadata", () => File(valid[extension], $"meta{extension}", contentType, metadata: $"{{\"k\":\"{huge}\"}}"));
            yield return ($"multipart {extension}: 10,000 metadata keys", () => File(valid[extension], $"meta{extension}", contentType,
                metadata: "{" + string.Join(',', Enumerable.Range(0, 10_000).Select(k => $"\"k{k}\":\"v\"")) + "}"));
            yield return ($"multipart {extension}: metadata not JSON", () => File(valid[extension], $"meta{extension}", contentType, metadata: "{\"k\": [1, {"));
        }

        // Text formats: invalid UTF-8, other encodings, deep nesting.
        foreach (var (extension, contentType) in new[] { (".txt", "text/plain"), (".md", "text/markdown"), (".html", "text/html") })
        {
            for (var i = 0; i < 4; i++)
            {
                var broken = Encoding.UTF8.GetBytes(SyntheticText.Create(random, "utf8", i, 200)).Concat(new byte[] { 0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, 0xF0, 0x90, 0x28, 0xBC, 0xFF, 0xFE }).ToArray();
                yield return ($"multipart {extension}: invalid UTF-8", () => File(broken, $"utf8{extension}", contentType));
            }

            var latin1 = Encoding.Latin1.GetBytes("Café, naïve, façade: " + SyntheticText.Create(random, "latin1", 1, 200));
            yield return ($"multipart {extension}: Latin-1 text", () => File(latin1, $"latin1{extension}", contentType));
        }

        var deepHtml = Encoding.UTF8.GetBytes("<html><body>" + string.Concat(Enumerable.Repeat("<div>", 200_000)) + "deep" + "</body></html>");
        yield return ("multipart .html: 200,000 nested elements", () => File(deepHtml, "deep.html", "text/html"));
        var deepQuote = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("> ", 100_000)) + "deep\n");
        yield return ("multipart .md: 100,000 nested quotes", () => File(deepQuote, "deep.md", "text/markdown"));
        var deepList = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(d => new string(' ', d * 2) + "- item\n")));
        yield return ("multipart .md: 20,000 nested list levels", () => File(deepList, "list.md", "text/markdown"));
        var bomb = ZipBomb();
        yield return ("multipart .docx: zip bomb (1 GiB of XML in 1 MiB)", () => File(bomb, "bomb.docx", Docx));
        var manyEntries = ManyEntries();
        yield return ("multipart .docx: 20,000 zip entries", () => File(manyEntries, "entries.docx", Docx));
        yield return ("multipart .pdf: labelled as text", () => File(valid[".pdf"], "pdf.txt", "text/plain"));
        yield return ("multipart .docx: labelled as PDF", () => File(valid[".docx"], "docx.pdf", "application/pdf"));
        yield return ("multipart: random bytes labelled as text", () => File(RandomBytes(random, 4096), "random.txt", "text/plain"));

        // JSON path.
        var validJson = "{\"document_id\":\"hostile-json\",\"title\":\"T\",\"text\":\"" + SyntheticText.Create(random, "json", 1, 100).Replace("\n", "\\n", StringComparison.Ordinal) + "\",\"metadata\":{\"k\":\"v\"}}";
        for (var i = 0; i < 10; i++)
        {
            var cut = validJson[..random.Next(1, validJson.Length - 1)];
            yield return ("json: truncated", () => Json(Encoding.UTF8.GetBytes(cut)));
        }

        for (var i = 0; i < 10; i++)
        {
            var noise = RandomBytes(random, 1 + random.Next(8192));
            yield return ("json: random bytes", () => Json(noise));
        }

        for (var i = 0; i < 5; i++)
        {
            var invalid = Encoding.UTF8.GetBytes("{\"text\":\"abc").Concat(new byte[] { 0xC3, 0x28, 0xFF, 0xFE, 0xED, 0xA0, 0x80 }).Concat(Encoding.UTF8.GetBytes("def\"}")).ToArray();
            yield return ("json: invalid UTF-8 in the text", () => Json(invalid));
        }

        string[] wrong =
        [
            """{"text": 42}""", """{"text": ["a"]}""", """{"text": {"a": 1}}""", """{"text": null}""", """{"text": "   "}""", """{"text": ""}""",
            """{"text": "x", "document_id": {"a": 1}}""", """{"text": "x", "document_id": 7}""", """{"text": "x", "metadata": [1, 2]}""",
            """{"text": "x", "metadata": {"k": {"nested": true}}}""", """{"text": "x", "title": 5}""", """[]""", """null""", """ "text" """, """{}""",
            """{"text": "x", "document_id": "a/b"}""", """{"text": "x", "document_id": "../../etc/passwd"}""", """{"text": "x", "document_id": "id\u0000"}""",
        ];
        foreach (var body in wrong)
        {
            yield return ("json: wrong shape or type", () => Json(Encoding.UTF8.GetBytes(body)));
        }

        var longId = new string('a', 10_000);
        yield return ("json: 10,000-character document id", () => Json(Encoding.UTF8.GetBytes($$"""{"text":"x","document_id":"{{longId}}"}""")));
        yield return ("json: 10,000 metadata keys", () => Json(Encoding.UTF8.GetBytes("{\"text\":\"x\",\"metadata\":{" + string.Join(',', Enumerable.Range(0, 10_000).Select(k => $"\"k{k}\":\"v\"")) + "}}")));
        yield return ("json: 1 MiB metadata value", () => Json(Encoding.UTF8.GetBytes("{\"text\":\"x\",\"metadata\":{\"k\":\"" + new string('v', 1024 * 1024) + "\"}}")));
        yield return ("json: 100,000-deep nesting", () => Json(Encoding.UTF8.GetBytes("{\"text\":" + new string('[', 100_000) + new string(']', 100_000) + "}")));
        yield return ("json: 10.5 M-character text", () => Json(Encoding.UTF8.GetBytes("{\"text\":\"" + new string('w', 10_500_000) + "\"}")));
        yield return ("json: labelled as XML", () => new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = new ByteArrayContent("<a/>"u8.ToArray()) { Headers = { { "Content-Type", "application/xml" } } } });

        // Broken multipart bodies.
        var part = Encoding.UTF8.GetBytes("--real\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello world\r\n--real--\r\n");
        yield return ("multipart: boundary in the header differs from the body's", () => Raw(part, "multipart/form-data; boundary=other"));
        yield return ("multipart: no boundary parameter", () => Raw(part, "multipart/form-data"));
        yield return ("multipart: empty boundary", () => Raw(part, "multipart/form-data; boundary="));
        for (var i = 0; i < 6; i++)
        {
            var cut = part[..random.Next(1, part.Length - 2)];
            yield return ("multipart: body cut short", () => Raw(cut, "multipart/form-data; boundary=real"));
        }

        var noClose = Encoding.UTF8.GetBytes("--real\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello world\r\n");
        yield return ("multipart: no closing boundary", () => Raw(noClose, "multipart/form-data; boundary=real"));
        var headerless = Encoding.UTF8.GetBytes("--real\r\n\r\nhello\r\n--real--\r\n");
        yield return ("multipart: part without headers", () => Raw(headerless, "multipart/form-data; boundary=real"));
        var hugeHeader = Encoding.UTF8.GetBytes($"--real\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{new string('a', 100_000)}.txt\"\r\n\r\nhello\r\n--real--\r\n");
        yield return ("multipart: 100,000-character file name", () => Raw(hugeHeader, "multipart/form-data; boundary=real"));
        yield return ("multipart: random bytes", () => Raw(RandomBytes(random, 8192), "multipart/form-data; boundary=real"));
    }

    private static HttpRequestMessage File(byte[] content, string fileName, string contentType, string? metadata = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        if (metadata is not null)
        {
            form.Add(new StringContent(metadata), "metadata");
        }

        return new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = form };
    }

    private static HttpRequestMessage Json(byte[] body) => Raw(body, "application/json");

    private static HttpRequestMessage Raw(byte[] body, string contentType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = content };
    }

    private static byte[] RandomBytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Pdf(string text)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var y = 800.0;
        foreach (var line in text.Split('\n').SelectMany(paragraph => paragraph.Chunk(90).Select(chars => new string(chars))).Take(60))
        {
            page.AddText(line, 9, new UglyToad.PdfPig.Core.PdfPoint(20, y -= 12), font);
        }

        return builder.Build();
    }

    private static byte[] DocxOf(string text)
    {
        using var stream = new MemoryStream();
        using (var document = WordprocessingDocument.Create(stream, DocumentFormat.OpenXml.WordprocessingDocumentType.Document))
        {
            var main = document.AddMainDocumentPart();
            main.Document = new Document(new Body(text.Split("\n\n").Select(paragraph => new Paragraph(new Run(new Text(paragraph))))));
        }

        return stream.ToArray();
    }

    /// <summary>A .docx whose document part inflates to 1 GiB of XML.</summary>
    private static byte[] ZipBomb()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var types = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open()))
            {
                types.Write("""<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""");
            }

            using (var rels = new StreamWriter(zip.CreateEntry("_rels/.rels").Open()))
            {
                rels.Write("""<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""");
            }

            using var body = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            body.Write("""<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>"""u8);
            var block = new byte[1024 * 1024];
            Array.Fill(block, (byte)'a');
            for (var i = 0; i < 1024; i++)
            {
                body.Write(block);
            }

            body.Write("</w:t></w:r></w:p></w:body></w:document>"u8);
        }

        return stream.ToArray();
    }

    private static byte[] ManyEntries()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < 20_000; i++)
            {
                using var entry = zip.CreateEntry($"word/media/e{i}.xml", CompressionLevel.Fastest).Open();
                entry.Write("<a/>"u8);
            }
        }

        return stream.ToArray();
    }
}
