using System.Net;
using System.Text;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Core;
using RagApp.Core.Grpc.V1;

namespace RagApp.Tests.EndToEnd;

/// <summary>
/// The write path through the whole application: upload → queue → worker → index, run against each local
/// Redis-compatible server (see the derived classes).
/// </summary>
public abstract class IngestionTests<TFixture>(TFixture fixture) where TFixture : RagAppFixture
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The gateway's API; skips the test, visibly, where this fixture's server is not installed.</summary>
    private GatewayApi CreateApi()
    {
        Assert.SkipWhen(fixture.SkipReason is not null, fixture.SkipReason ?? "");
        return fixture.CreateGatewayApi();
    }

    [Fact]
    public async Task TextUpload_IsIndexed_WithTitleMetadataAndChunks()
    {
        var api = CreateApi();
        var text = string.Join("\n\n", Enumerable.Range(1, 6).Select(i => Paragraph(i, 450)));

        var accepted = await api.UploadTextAsync(text, "Plain notes", "e2e-text-1",
            new Dictionary<string, object> { ["team"] = "core", ["year"] = 2026 }, Cancellation);
        var job = await api.WaitForJobAsync(accepted.GetProperty("job_id").GetString()!, Cancellation);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        var (status, document) = await api.GetDocumentAsync("e2e-text-1", Cancellation);
        Assert.Equal(200, status);
        Assert.Equal("Plain notes", document!.Value.GetProperty("title").GetString());
        Assert.Equal("core", document.Value.GetProperty("metadata").GetProperty("team").GetString());
        Assert.Equal("2026", document.Value.GetProperty("metadata").GetProperty("year").GetString());
        var chunks = await ChunksOfAsync("e2e-text-1");
        Assert.Equal(job.GetProperty("chunk_count").GetInt32(), chunks.Count);
        Assert.Equal(ExpectedChunks(text, "e2e-text-1"), chunks.Select(chunk => (chunk.ChunkId, chunk.Ordinal, chunk.Text)));
        // What the REST API shows of it is what the index holds, version included.
        using var listed = await api.Client.GetAsync("/api/v1/documents/e2e-text-1/chunks", Cancellation);
        var shown = (await GatewayApi.ReadJsonAsync(listed, Cancellation)).GetProperty("chunks").EnumerateArray()
            .Select(chunk => (chunk.GetProperty("chunk_id").GetString()!, chunk.GetProperty("ordinal").GetInt32(), chunk.GetProperty("text").GetString()!));
        Assert.Equal(ExpectedChunks(text, "e2e-text-1"), shown);
        Assert.Equal(accepted.GetProperty("document_version").GetInt64(), document.Value.GetProperty("document_version").GetInt64());
        Assert.True(chunks.Count >= 3, $"expected several chunks of a 2.7k-character text, got {chunks.Count}");
        Assert.All(chunks, chunk => Assert.Equal(384, chunk.Vector.Count));
        Assert.Equal(Enumerable.Range(0, chunks.Count), chunks.Select(chunk => chunk.Ordinal));
        // Every paragraph's marker word is in some chunk, at the offsets the chunk says.
        foreach (var i in Enumerable.Range(1, 6))
        {
            Assert.Contains(chunks, chunk => chunk.Text.Contains($"paragraph{i}marker", StringComparison.Ordinal));
        }

        Assert.All(chunks, chunk => Assert.Equal(text[chunk.StartOffset..chunk.EndOffset], chunk.Text));
    }

    [Fact]
    public async Task MarkdownAndHtmlUploads_KeepSectionsAndTitles()
    {
        var api = CreateApi();
        var markdown = "# Handbook\n\nIntro text about the handbook.\n\n## Install\n\n" + Paragraph(77, 900)
            + "\n\n## Usage\n\n" + Paragraph(78, 900) + "\n";
        var html = "<html><head><title>Release notes</title><style>p{color:red}</style><script>alert('x')</script></head>"
            + "<body><nav>Home | Docs</nav><h1>Version 2</h1><p>Faster ingestion.</p><h2>Fixes</h2><p>The queue no longer loses work.</p></body></html>";

        var md = await api.UploadFileAsync("handbook.md", "text/markdown", Encoding.UTF8.GetBytes(markdown), cancellationToken: Cancellation);
        var page = await api.UploadFileAsync("notes.html", "text/html", Encoding.UTF8.GetBytes(html), cancellationToken: Cancellation);
        Assert.Equal("succeeded", (await api.WaitForJobAsync(md.GetProperty("job_id").GetString()!, Cancellation)).GetProperty("status").GetString());
        Assert.Equal("succeeded", (await api.WaitForJobAsync(page.GetProperty("job_id").GetString()!, Cancellation)).GetProperty("status").GetString());

        var (_, mdDocument) = await api.GetDocumentAsync("handbook.md", Cancellation);
        Assert.Equal("Handbook", mdDocument!.Value.GetProperty("title").GetString());
        Assert.Equal("handbook.md", mdDocument.Value.GetProperty("source_name").GetString());
        var mdChunks = await ChunksOfAsync("handbook.md");
        Assert.Contains(mdChunks, chunk => chunk.Section.Contains("Usage", StringComparison.Ordinal)
            && chunk.Text.Contains("paragraph78marker", StringComparison.Ordinal));
        var htmlChunks = await ChunksOfAsync("notes.html");
        var htmlText = string.Concat(htmlChunks.Select(chunk => chunk.Text));
        Assert.Contains("The queue no longer loses work.", htmlText, StringComparison.Ordinal);
        Assert.DoesNotContain("alert", htmlText, StringComparison.Ordinal);
        Assert.DoesNotContain("Home | Docs", htmlText, StringComparison.Ordinal);
        var (_, htmlDocument) = await api.GetDocumentAsync("notes.html", Cancellation);
        Assert.Equal("Release notes", htmlDocument!.Value.GetProperty("title").GetString());
    }

    [Fact]
    public async Task PdfAndDocxUploads_AreIndexed_WithPagesSectionsAndMetadata()
    {
        var api = CreateApi();
        var fields = new Dictionary<string, string> { ["metadata"] = "{\"shelf\":\"botany\"}" };

        var pdf = await api.UploadFileAsync("ferns.pdf", "application/pdf", LongPdf(pages: 3), fields, Cancellation);
        var docx = await api.UploadFileAsync("garden.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Extraction.DocxFixtures.Handbook(), fields, Cancellation);
        Assert.Equal("succeeded", (await api.WaitForJobAsync(pdf.GetProperty("job_id").GetString()!, Cancellation)).GetProperty("status").GetString());
        Assert.Equal("succeeded", (await api.WaitForJobAsync(docx.GetProperty("job_id").GetString()!, Cancellation)).GetProperty("status").GetString());

        var pdfChunks = await ChunksOfAsync("ferns.pdf");
        Assert.True(pdfChunks.Count >= 3, $"expected chunks on every page, got {pdfChunks.Count}");
        foreach (var page in new[] { 1, 2, 3 })
        {
            // A chunk that starts with a line of page N is on page N.
            Assert.Contains(pdfChunks, chunk => chunk.Page == page && chunk.Text.StartsWith($"Page {page} line", StringComparison.Ordinal));
        }

        Assert.All(pdfChunks, chunk => Assert.InRange(chunk.Page, 1, 3));
        var (_, pdfDocument) = await api.GetDocumentAsync("ferns.pdf", Cancellation);
        Assert.Equal("Ferns of the north", pdfDocument!.Value.GetProperty("title").GetString());
        Assert.Equal("botany", pdfDocument.Value.GetProperty("metadata").GetProperty("shelf").GetString());

        var docxChunks = await ChunksOfAsync("garden.docx");
        Assert.Contains(docxChunks, chunk => chunk.Text.Contains("Compost feeds the soil life.", StringComparison.Ordinal));
        var (_, docxDocument) = await api.GetDocumentAsync("garden.docx", Cancellation);
        Assert.Equal("Gardening Handbook", docxDocument!.Value.GetProperty("title").GetString());
        Assert.Equal(0, docxChunks.Sum(chunk => chunk.Page));
    }

    [Fact]
    public async Task SameUploadTwice_SecondIsUnchanged_AndEmbedsNothing()
    {
        var api = CreateApi();
        var text = string.Join("\n\n", Enumerable.Range(1, 4).Select(i => Paragraph(100 + i, 500)));

        var first = await api.UploadTextAsync(text, "Twice", "e2e-twice", cancellationToken: Cancellation);
        var firstJob = await api.WaitForJobAsync(first.GetProperty("job_id").GetString()!, Cancellation);
        var second = await api.UploadTextAsync(text, "Twice", "e2e-twice", cancellationToken: Cancellation);
        var secondJob = await api.WaitForJobAsync(second.GetProperty("job_id").GetString()!, Cancellation);

        Assert.Equal("succeeded", firstJob.GetProperty("status").GetString());
        Assert.True(firstJob.GetProperty("embedded_chunks").GetInt32() > 0);
        Assert.Equal("unchanged", secondJob.GetProperty("status").GetString());
        Assert.Equal(0, secondJob.GetProperty("embedded_chunks").GetInt32());
        Assert.Equal(firstJob.GetProperty("chunk_count").GetInt32(), secondJob.GetProperty("chunk_count").GetInt32());
    }

    [Fact]
    public async Task EditingOneParagraph_ReembedsOnlyItsNeighbourhood()
    {
        var api = CreateApi();
        var paragraphs = Enumerable.Range(1, 24).Select(i => Paragraph(200 + i, 300 + (i * 97 % 600))).ToList();
        var original = string.Join("\n\n", paragraphs);
        paragraphs[12] = paragraphs[12] + " An added sentence changes this paragraph and nothing else.";
        var edited = string.Join("\n\n", paragraphs);

        var first = await api.WaitForJobAsync((await api.UploadTextAsync(original, "Long read", "e2e-edit", cancellationToken: Cancellation)).GetProperty("job_id").GetString()!, Cancellation);
        var second = await api.WaitForJobAsync((await api.UploadTextAsync(edited, "Long read", "e2e-edit", cancellationToken: Cancellation)).GetProperty("job_id").GetString()!, Cancellation);

        Assert.Equal("succeeded", second.GetProperty("status").GetString());
        var chunkCount = second.GetProperty("chunk_count").GetInt32();
        var embedded = second.GetProperty("embedded_chunks").GetInt32();
        Assert.True(chunkCount >= 12, $"expected a long document, got {chunkCount} chunks");
        Assert.InRange(embedded, 1, 3);
        Assert.Equal(chunkCount - embedded, second.GetProperty("cached_chunks").GetInt32());
        Assert.InRange(chunkCount, first.GetProperty("chunk_count").GetInt32(), first.GetProperty("chunk_count").GetInt32() + 1);
        Assert.Contains(await ChunksOfAsync("e2e-edit"), chunk => chunk.Text.Contains("An added sentence", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_IsQueuedAsAJob_RemovesEveryChunk_AndThenAnswers404()
    {
        var api = CreateApi();
        var accepted = await api.UploadTextAsync(Paragraph(300, 1500), "Short-lived", "e2e-delete", cancellationToken: Cancellation);
        var upload = await api.WaitForJobAsync(accepted.GetProperty("job_id").GetString()!, Cancellation);
        Assert.NotEmpty(await ChunksOfAsync("e2e-delete"));

        using var deleted = await api.Client.DeleteAsync("/api/v1/documents/e2e-delete", Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        var deletion = await GatewayApi.ReadJsonAsync(deleted, Cancellation);
        Assert.Equal($"/api/v1/jobs/{deletion.GetProperty("job_id").GetString()}", deleted.Headers.Location?.OriginalString);
        var job = await api.WaitForJobAsync(deletion.GetProperty("job_id").GetString()!, Cancellation);
        using var again = await api.Client.DeleteAsync("/api/v1/documents/e2e-delete", Cancellation);
        using var unknown = await api.Client.DeleteAsync("/api/v1/documents/e2e-never-uploaded", Cancellation);

        Assert.Equal(("delete", "succeeded"), (job.GetProperty("kind").GetString(), job.GetProperty("status").GetString()));
        Assert.True(job.GetProperty("document_version").GetInt64() > upload.GetProperty("document_version").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Equal(404, (await api.GetDocumentAsync("e2e-delete", Cancellation)).Status);
        Assert.Empty(await ChunksOfAsync("e2e-delete"));
    }

    [Fact]
    public async Task OlderUpload_FinishingAfterANewerOne_IsSuperseded_AndTheNewerContentStays()
    {
        var api = CreateApi();
        // The newer version's chunks are in the embedding cache already (the same text under another id), so its job
        // ends while the older, longer one is still embedding: the older job reaches the index last.
        var newer = Paragraph(1100, 600);
        await api.WaitForJobAsync((await api.UploadTextAsync(newer, "Versions", "e2e-versions-warm", cancellationToken: Cancellation)).GetProperty("job_id").GetString()!, Cancellation);
        var older = string.Join("\n\n", Enumerable.Range(1, 120).Select(i => Paragraph(1200 + i, 900)));

        var first = await api.UploadTextAsync(older, "Versions", "e2e-versions", cancellationToken: Cancellation);
        var second = await api.UploadTextAsync(newer, "Versions", "e2e-versions", cancellationToken: Cancellation);
        var secondJob = await api.WaitForJobAsync(second.GetProperty("job_id").GetString()!, Cancellation);
        var firstJob = await api.WaitForJobAsync(first.GetProperty("job_id").GetString()!, Cancellation);

        Assert.True(second.GetProperty("document_version").GetInt64() > first.GetProperty("document_version").GetInt64());
        Assert.Equal("succeeded", secondJob.GetProperty("status").GetString());
        Assert.Equal("superseded", firstJob.GetProperty("status").GetString());
        Assert.Equal(newer, string.Concat((await ChunksOfAsync("e2e-versions")).Select(chunk => chunk.Text)));
        var (_, document) = await api.GetDocumentAsync("e2e-versions", Cancellation);
        Assert.Equal(1, document!.Value.GetProperty("chunk_count").GetInt32());
    }

    [Fact]
    public async Task DeleteWhileTheUploadIsStillRunning_Wins_AndTheDocumentNeverComesBack()
    {
        var api = CreateApi();
        var text = string.Join("\n\n", Enumerable.Range(1, 120).Select(i => Paragraph(1400 + i, 900)));
        var upload = await api.UploadTextAsync(text, "Deleted early", "e2e-delete-early", cancellationToken: Cancellation);
        var uploadId = upload.GetProperty("job_id").GetString()!;

        using var deleted = await api.Client.DeleteAsync("/api/v1/documents/e2e-delete-early", Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, deleted.StatusCode);
        var deleteJob = await api.WaitForJobAsync((await GatewayApi.ReadJsonAsync(deleted, Cancellation)).GetProperty("job_id").GetString()!, Cancellation);
        var uploadJob = await api.WaitForJobAsync(uploadId, Cancellation);

        Assert.Equal("succeeded", deleteJob.GetProperty("status").GetString());
        Assert.Equal("superseded", uploadJob.GetProperty("status").GetString());
        Assert.Equal(404, (await api.GetDocumentAsync("e2e-delete-early", Cancellation)).Status);
        Assert.Empty(await ChunksOfAsync("e2e-delete-early"));

        // Uploading again is a newer submission still: the document comes back.
        var again = await api.UploadTextAsync(Paragraph(1500, 400), "Back", "e2e-delete-early", cancellationToken: Cancellation);
        Assert.Equal("succeeded", (await api.WaitForJobAsync(again.GetProperty("job_id").GetString()!, Cancellation)).GetProperty("status").GetString());
        Assert.Equal(200, (await api.GetDocumentAsync("e2e-delete-early", Cancellation)).Status);
    }

    [Fact]
    public async Task WithNoWorker_HealthIsDegraded_NamingTheOldestWaitingJob_AndRecoversWhenOneIsBack()
    {
        var api = CreateApi();
        string jobId;
        JsonElement degraded;
        await fixture.StopResourceAsync("ingest-worker", Cancellation);
        try
        {
            var accepted = await api.UploadTextAsync(Paragraph(2100, 500), "Waiting", "e2e-no-worker", cancellationToken: Cancellation);
            jobId = accepted.GetProperty("job_id").GetString()!;
            // Uploads are still taken (and kept) without a worker; health says nobody ingests them, and since when.
            degraded = await Support.Eventually.MatchAsync(
                () => ReadHealthAsync(api.Client), health => health.GetProperty("status").GetString() == "degraded",
                "health to report that no worker takes the waiting job", TimeSpan.FromSeconds(90), Cancellation, TimeSpan.FromMilliseconds(250));
        }
        finally
        {
            await fixture.StartResourceAsync("ingest-worker", Cancellation);
        }

        var job = await api.WaitForJobAsync(jobId, Cancellation);
        var recovered = await Support.Eventually.MatchAsync(
            () => ReadHealthAsync(api.Client), health => health.GetProperty("status").GetString() == "healthy",
            "health to recover once the worker is back", TimeSpan.FromSeconds(90), Cancellation, TimeSpan.FromMilliseconds(250));

        var ingest = degraded.GetProperty("dependencies").GetProperty("ingest");
        Assert.Equal("degraded", ingest.GetProperty("status").GetString());
        Assert.Contains("no ingest worker", ingest.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(ingest.GetProperty("data").GetProperty("waiting_jobs").GetInt64() >= 1);
        Assert.True(ingest.GetProperty("data").GetProperty("oldest_waiting_seconds").GetDouble() >= 0);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal("healthy", recovered.GetProperty("dependencies").GetProperty("ingest").GetProperty("status").GetString());
    }

    [Fact]
    public async Task RetryOfARejectedOrUnknownJob_AnswersProblemDetails()
    {
        var api = CreateApi();
        var corrupt = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n garbage \u0001");
        var bad = await api.UploadFileAsync("rejected.pdf", "application/pdf", corrupt, cancellationToken: Cancellation);
        var job = await api.WaitForJobAsync(bad.GetProperty("job_id").GetString()!, Cancellation);

        using var rejected = await api.Client.PostAsync($"/api/v1/jobs/{job.GetProperty("job_id").GetString()}/retry", null, Cancellation);
        using var unknown = await api.Client.PostAsync("/api/v1/jobs/0123456789abcdef0123456789abcdef/retry", null, Cancellation);
        using var all = await api.Client.PostAsync("/api/v1/jobs/retry-failed", null, Cancellation);

        Assert.Equal(("failed", false), (job.GetProperty("status").GetString(), job.GetProperty("retryable").GetBoolean()));
        Assert.Equal(HttpStatusCode.Conflict, rejected.StatusCode);
        Assert.Equal("application/problem+json", rejected.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        // The rejected document stays failed: nothing can make those bytes a valid PDF.
        Assert.True((await GatewayApi.ReadJsonAsync(all, Cancellation)).GetProperty("not_retryable").GetInt32() >= 1);
        Assert.Equal("failed", (await api.GetJobAsync(job.GetProperty("job_id").GetString()!, Cancellation)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task CorruptPdf_FailsWithMessage_IsDeadLettered_AndDelaysNothingElse()
    {
        var api = CreateApi();
        var corrupt = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n this is not a real pdf \u0001\u0002");

        var bad = await api.UploadFileAsync("broken.pdf", "application/pdf", corrupt, cancellationToken: Cancellation);
        var good = await api.UploadTextAsync(Paragraph(400, 600), "After the broken one", "e2e-after-corrupt", cancellationToken: Cancellation);
        var badJob = await api.WaitForJobAsync(bad.GetProperty("job_id").GetString()!, Cancellation);
        var goodJob = await api.WaitForJobAsync(good.GetProperty("job_id").GetString()!, Cancellation);

        Assert.Equal("failed", badJob.GetProperty("status").GetString());
        Assert.True(badJob.GetProperty("dead_lettered").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(badJob.GetProperty("error").GetString()));
        Assert.Equal("succeeded", goodJob.GetProperty("status").GetString());
        Assert.Equal(404, (await api.GetDocumentAsync("broken.pdf", Cancellation)).Status);
    }

    [Fact]
    public async Task OversizeUpload_Answers413_NamingTheField()
    {
        var api = CreateApi();
        var tooBig = new byte[(25 * 1024 * 1024) + 1];
        Array.Fill(tooBig, (byte)'a');

        using var response = await api.PostFilesAsync([("huge.txt", "text/plain", tooBig)], cancellationToken: Cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await GatewayApi.ReadJsonAsync(response, Cancellation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _));
    }

    [Theory]
    [InlineData("image.png", "image/png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0 })]
    [InlineData("fake.pdf", "application/pdf", new byte[] { 0x48, 0x65, 0x6C, 0x6C, 0x6F })]
    [InlineData("fake.txt", "text/plain", new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37, 0x0A })]
    public async Task UnsupportedOrMismatchedType_Answers415_NamingTheField(string fileName, string contentType, byte[] content)
    {
        var api = CreateApi();

        using var response = await api.PostFilesAsync([(fileName, contentType, content)], cancellationToken: Cancellation);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var problem = await GatewayApi.ReadJsonAsync(response, Cancellation);
        Assert.Contains(fileName, problem.GetProperty("errors").GetProperty("file")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FullQueue_Answers503WithRetryAfter_QueuesWhatFits_AndLosesNothing()
    {
        var api = CreateApi();
        // Two uploads of 24 MiB each against a 40 MiB budget: the first fits, the second must not be taken.
        var large = new byte[24 * 1024 * 1024];
        Array.Fill(large, (byte)'a');
        Encoding.ASCII.GetBytes("%PDF-1.7\n").CopyTo(large, 0);

        // With the worker running it may take and dead-letter the first file (releasing its bytes) before the
        // gateway offers the second; stopped, the first stays queued, which is what a full queue looks like.
        await fixture.StopResourceAsync("ingest-worker", Cancellation);
        HttpResponseMessage response;
        try
        {
            response = await api.PostFilesAsync([("first.pdf", "application/pdf", large), ("second.pdf", "application/pdf", large)], cancellationToken: Cancellation);
        }
        finally
        {
            await fixture.StartResourceAsync("ingest-worker", Cancellation);
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter?.Delta);
            var problem = await GatewayApi.ReadJsonAsync(response, Cancellation);
            var accepted = problem.GetProperty("accepted");
            Assert.Equal(1, accepted.GetArrayLength());
            Assert.Equal("first.pdf", accepted[0].GetProperty("document_id").GetString());
            // The one that was taken waited for the worker and is processed (and, not being a real PDF,
            // dead-lettered), releasing its bytes.
            var job = await api.WaitForJobAsync(accepted[0].GetProperty("job_id").GetString()!, Cancellation);
            Assert.Equal("failed", job.GetProperty("status").GetString());
        }

        var after = await api.UploadTextAsync(Paragraph(700, 500), "After the full queue", "e2e-after-full", cancellationToken: Cancellation);
        Assert.Equal("succeeded", (await api.WaitForJobAsync(after.GetProperty("job_id").GetString()!, Cancellation)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Upload_CarriesItsTraceContextIntoTheJob()
    {
        var api = CreateApi();
        var accepted = await api.UploadTextAsync(Paragraph(800, 300), "Traced", "e2e-traced", cancellationToken: Cancellation);
        var jobId = accepted.GetProperty("job_id").GetString()!;

        var connectionString = await fixture.App.GetConnectionStringAsync("redis", Cancellation);
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(connectionString!);
        var traceParent = (string?)await redis.GetDatabase().HashGetAsync(new RagApp.Core.Queue.IngestQueueKeys(new RagApp.Core.Queue.IngestQueueOptions().QueueName).Job(jobId), "traceParent");

        // W3C traceparent of the upload's request span: the worker continues this trace.
        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", traceParent ?? "");
        await api.WaitForJobAsync(jobId, Cancellation);
    }

    [Fact]
    public async Task DocumentList_PagesThroughEveryDocument()
    {
        var api = CreateApi();
        foreach (var i in Enumerable.Range(0, 3))
        {
            var accepted = await api.UploadTextAsync(Paragraph(900 + i, 300), $"Listed {i}", $"e2e-list-{i}", cancellationToken: Cancellation);
            await api.WaitForJobAsync(accepted.GetProperty("job_id").GetString()!, Cancellation);
        }

        var seen = new List<string>();
        string? token = null;
        int total;
        do
        {
            using var response = await api.Client.GetAsync($"/api/v1/documents?page_size=2{(token is null ? "" : $"&page_token={Uri.EscapeDataString(token)}")}", Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await GatewayApi.ReadJsonAsync(response, Cancellation);
            Assert.InRange(page.GetProperty("documents").GetArrayLength(), 0, 2);
            seen.AddRange(page.GetProperty("documents").EnumerateArray().Select(document => document.GetProperty("document_id").GetString()!));
            total = page.GetProperty("total_count").GetInt32();
            token = page.GetProperty("next_page_token").GetString();
        }
        while (token is not null);

        Assert.Equal(total, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Contains("e2e-list-0", seen);
        Assert.Contains("e2e-list-2", seen);
        using var badPage = await api.Client.GetAsync("/api/v1/documents?page_size=0", Cancellation);
        Assert.Equal(HttpStatusCode.BadRequest, badPage.StatusCode);
    }

    [Fact]
    public async Task EmptyFileOrText_Answers400_NamingTheField()
    {
        var api = CreateApi();

        using var emptyFile = await api.PostFilesAsync([("empty.txt", "text/plain", [])], cancellationToken: Cancellation);
        using var blankText = await api.Client.PostAsync("/api/v1/documents",
            new StringContent("{\"text\":\"   \"}", Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, emptyFile.StatusCode);
        Assert.True((await GatewayApi.ReadJsonAsync(emptyFile, Cancellation)).GetProperty("errors").TryGetProperty("file", out _));
        Assert.Equal(HttpStatusCode.BadRequest, blankText.StatusCode);
        Assert.True((await GatewayApi.ReadJsonAsync(blankText, Cancellation)).GetProperty("errors").TryGetProperty("text", out _));
    }

    [Fact]
    public async Task JobEvents_StreamEachStatusUntilTheJobEnds()
    {
        var api = CreateApi();
        var accepted = await api.UploadTextAsync(Paragraph(500, 800), "Streamed", "e2e-events", cancellationToken: Cancellation);
        var jobId = accepted.GetProperty("job_id").GetString()!;

        using var response = await api.Client.GetAsync($"/api/v1/jobs/{jobId}/events", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var statuses = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation));
        while (await reader.ReadLineAsync(Cancellation) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                using var data = JsonDocument.Parse(line["data: ".Length..]);
                statuses.Add(data.RootElement.GetProperty("status").GetString()!);
            }
        }

        Assert.Equal("succeeded", statuses[^1]);
        Assert.Equal(statuses.Count, statuses.Distinct().Count());
    }

    [Fact]
    public async Task WorkerStoppedMidJob_JobCompletesAfterRestart_WithEachChunkOnce()
    {
        var api = CreateApi();
        // Large enough (about 10 s of embedding on two cores) that the job cannot end between the test seeing it
        // processing and the worker stopping; a faster machine must still stop it mid-job.
        var text = string.Join("\n\n", Enumerable.Range(1, 600).Select(i => Paragraph(1000 + i, 900)));
        var accepted = await api.UploadTextAsync(text, "Big job", "e2e-crash", cancellationToken: Cancellation);
        var jobId = accepted.GetProperty("job_id").GetString()!;

        await api.WaitForJobAsync(jobId, job => job.GetProperty("status").GetString() == "processing", Cancellation);
        // Stop once some of its model batches are done: their vectors are cached at once, so the next attempt resumes.
        var cacheKeys = ExpectedChunks(text, "e2e-crash")
            .Select(chunk => Ingest.Worker.Embedding.EmbeddingCache.KeyFor(Core.Embeddings.MiniLmEmbeddingGenerator.ModelId, $"Big job. {chunk.Text}"))
            .ToArray();
        var connectionString = await fixture.App.GetConnectionStringAsync("redis", Cancellation);
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(connectionString!))
        {
            await Support.Eventually.UntilAsync(
                async () => (await Task.WhenAll(cacheKeys.Take(256).Select(key => redis.GetDatabase().KeyExistsAsync(key)))).Any(exists => exists),
                "the first model batch of the job to be cached", TimeSpan.FromMinutes(2), Cancellation, TimeSpan.FromMilliseconds(100));
        }

        JsonElement whileStopped;
        await fixture.StopResourceAsync("ingest-worker", Cancellation);
        try
        {
            whileStopped = await api.GetJobAsync(jobId, Cancellation);
        }
        finally
        {
            await fixture.StartResourceAsync("ingest-worker", Cancellation);
        }

        var job = await api.WaitForJobAsync(jobId, Cancellation);

        // A clean stop hands the job back at once, unfinished, for the restarted worker to take.
        Assert.Equal("queued", whileStopped.GetProperty("status").GetString());
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.True(job.GetProperty("attempts").GetInt32() >= 2, "the job should have been delivered again after the worker stopped");
        Assert.True(job.GetProperty("cached_chunks").GetInt32() > 0, "the next attempt should have resumed from the vectors cached before the stop");
        var chunks = await ChunksOfAsync("e2e-crash");
        Assert.Equal(job.GetProperty("chunk_count").GetInt32(), chunks.Count);
        Assert.Equal(ExpectedChunks(text, "e2e-crash"), chunks.Select(chunk => (chunk.ChunkId, chunk.Ordinal, chunk.Text)));
    }

    [Fact]
    public async Task EmbeddedIndex_KeepsDocumentsAcrossRagRestart()
    {
        var api = CreateApi();
        var accepted = await api.UploadTextAsync(Paragraph(600, 1200), "Durable", "e2e-durable", cancellationToken: Cancellation);
        await api.WaitForJobAsync(accepted.GetProperty("job_id").GetString()!, Cancellation);
        var before = await ChunksOfAsync("e2e-durable");

        await fixture.StopResourceAsync("rag", Cancellation);
        await fixture.StartResourceAsync("rag", Cancellation);

        var after = await ChunksOfAsync("e2e-durable");
        Assert.Equal(before.Select(chunk => (chunk.ChunkId, chunk.Text)), after.Select(chunk => (chunk.ChunkId, chunk.Text)));
        Assert.Equal(200, (await api.GetDocumentAsync("e2e-durable", Cancellation)).Status);
    }

    private static async Task<JsonElement> ReadHealthAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/api/v1/health", Cancellation);
        return await GatewayApi.ReadJsonAsync(response, Cancellation);
    }

    /// <summary>What the worker must have indexed for a plain text: the chunks a local run of the same chunker gives.</summary>
    private static IReadOnlyList<(string ChunkId, int Ordinal, string Text)> ExpectedChunks(string text, string documentId)
    {
        var extracted = Extraction.Extractors.Create().Extract(Core.Documents.DocumentFormat.PlainText, Encoding.UTF8.GetBytes(text), Cancellation);
        var chunker = new Ingest.Worker.Chunking.DocumentChunker(Microsoft.Extensions.Options.Options.Create(new Ingest.Worker.Chunking.ChunkingOptions()));
        return [.. chunker.Chunk(extracted, Cancellation).Select(chunk => (Core.Documents.ChunkIds.Create(documentId, chunk.Ordinal), chunk.Ordinal, chunk.Text))];
    }

    private async Task<IReadOnlyList<ChunkRecord>> ChunksOfAsync(string documentId)
    {
        try
        {
            var response = await fixture.CreateIndexClient().GetDocumentChunksAsync(
                new GetDocumentChunksRequest { DocumentId = documentId, IncludeVectors = true }, cancellationToken: Cancellation);
            return [.. response.Chunks.OrderBy(chunk => chunk.Ordinal)];
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return [];
        }
    }

    /// <summary>A PDF whose every page holds about 1 300 characters, so that each page gives its own chunks.</summary>
    private static byte[] LongPdf(int pages)
    {
        using var builder = new UglyToad.PdfPig.Writer.PdfDocumentBuilder();
        builder.DocumentInformation.Title = "Ferns of the north";
        var font = builder.AddStandard14Font(UglyToad.PdfPig.Fonts.Standard14Fonts.Standard14Font.Helvetica);
        for (var page = 1; page <= pages; page++)
        {
            var pdfPage = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            for (var line = 0; line < 26; line++)
            {
                pdfPage.AddText($"Page {page} line {line}: bracken and maidenhair ferns grow here.", 10,
                    new UglyToad.PdfPig.Core.PdfPoint(40, 800 - (line * 28)), font);
            }
        }

        return builder.Build();
    }

    /// <summary>A paragraph of about <paramref name="length"/> characters with a unique marker word.</summary>
    internal static string Paragraph(int seed, int length)
    {
        var random = new Random(seed);
        string[] words = ["turbine", "boundary", "layer", "pressure", "flow", "wing", "shock", "heat", "transfer", "surface",
            "velocity", "model", "experiment", "theory", "supersonic", "drag", "lift", "stream", "nozzle", "vortex"];
        var builder = new StringBuilder($"paragraph{seed % 1000}marker ");
        while (builder.Length < length)
        {
            builder.Append(words[random.Next(words.Length)]).Append(random.Next(8) == 0 ? ". " : " ");
        }

        return builder.ToString().TrimEnd() + ".";
    }
}
