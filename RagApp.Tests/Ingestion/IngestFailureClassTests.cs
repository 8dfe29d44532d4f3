using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagApp.Core.Queue;
using RagApp.Ingest.Worker.Extraction;
using RagApp.Ingest.Worker.Ingestion;
using RagApp.Tests.Extraction;
using RagApp.Tests.Queue;

namespace RagApp.Tests.Ingestion;

// Inside the namespace: OpenXml's root namespace "DocumentFormat" would otherwise hide the enum of that name.
using RagApp.Core.Documents;

/// <summary>
/// The worker as RagApp.Ingest.Worker wires it, on the embedded Garnet queue: a bug of ours in extraction must be
/// retried as a transient failure with its stack trace logged, not dead-lettered at once as the user's bad document;
/// a damaged document must be rejected at its first attempt with a message for the user.
/// </summary>
public sealed class IngestFailureClassTests(GarnetQueueServerFixture server) : IClassFixture<GarnetQueueServerFixture>
{
    private const int MaxAttempts = 2;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BugInExtraction_IsRetriedAsTransient_AndLogsItsStackTrace()
    {
        var broken = new BrokenExtractor(DocumentFormat.PlainText);
        using var host = BuildWorker(broken);
        await host.StartAsync(Cancellation);

        var status = await RunToTheEndAsync(host, "text/plain", "Ferns reproduce with spores."u8.ToArray());
        await host.StopAsync(Cancellation);

        // Retried up to the attempt limit, then dead-lettered with its payload kept for a retry by hand.
        Assert.Equal(JobState.Failed, status.State);
        Assert.Equal(MaxAttempts, status.Failures);
        Assert.Equal(MaxAttempts, broken.Calls);
        Assert.True(status.Retryable, "a transient failure keeps the payload for a retry");
        Assert.StartsWith("NullReferenceException:", status.Error, StringComparison.Ordinal);

        var logged = host.Services.GetFakeLogCollector().GetSnapshot()
            .Where(record => record.Category == typeof(IngestWorker).FullName && record.Level == LogLevel.Error)
            .ToList();
        Assert.Equal(MaxAttempts, logged.Count);
        Assert.All(logged, record =>
        {
            var exception = Assert.IsType<NullReferenceException>(record.Exception);
            Assert.Contains(nameof(BrokenExtractor), exception.StackTrace, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task DamagedPdf_IsRejectedAtItsFirstAttempt_WithAMessageForTheUser()
    {
        using var host = BuildWorker();
        await host.StartAsync(Cancellation);
        var content = "BT /F1 12 Tf 72 700 Td (Hello) Tj ET";
        var pdf = PdfFixtures.Raw(
            ["<< /Type /Catalog /Pages 2 0 R >>",
             "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
             "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
             $"<< /Length {content.Length} /Filter /NoSuchDecode >>\nstream\n{content}\nendstream"]);

        var status = await RunToTheEndAsync(host, "application/pdf", pdf);
        await host.StopAsync(Cancellation);

        Assert.Equal(JobState.Failed, status.State);
        Assert.True(status.DeadLettered);
        Assert.Equal(1, status.Attempts);
        Assert.False(status.Retryable, "a rejected document is not worth retrying");
        Assert.Equal("The application/pdf document could not be read; it is damaged or not a valid file of that type.", status.Error);
    }

    private IHost BuildWorker(BrokenExtractor? brokenPlainText = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = server.PatientConnectionString,
            ["Ingest:Queue:QueueName"] = "failures-" + Guid.NewGuid().ToString("N"),
            ["Ingest:Queue:MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Ingest:Queue:InitialRetryDelay"] = "00:00:00.050",
            ["Ingest:Queue:PollInterval"] = "00:00:00.100",
            ["Ingest:Worker:LeaseWait"] = "00:00:00.500",
        });
        builder.Logging.ClearProviders().AddFakeLogging();
        builder.AddIngestServices();
        if (brokenPlainText is not null)
        {
            // The plain-text extractor swapped for a broken one: a seam of our own, not a stand-in for an outside service.
            builder.Services.Remove(builder.Services.Single(d => d.ImplementationType == typeof(PlainTextExtractor)));
            builder.Services.AddSingleton<IDocumentExtractor>(brokenPlainText);
        }

        return builder.Build();
    }

    private static async Task<JobStatus> RunToTheEndAsync(IHost host, string contentType, byte[] payload)
    {
        var queue = host.Services.GetRequiredService<IIngestQueue>();
        var statuses = host.Services.GetRequiredService<IJobStatusStore>();
        var job = TestJobs.Create() with { ContentType = contentType };
        await queue.EnqueueAsync(job, payload, Cancellation);

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        patience.CancelAfter(TimeSpan.FromSeconds(60)); // a bound against hanging, not a speed goal
        JobStatus? last = null;
        try
        {
            await foreach (var status in statuses.WatchAsync(job.JobId, patience.Token))
            {
                last = status;
            }
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            Assert.Fail($"job {job.JobId} did not reach a terminal state within 60 s; last seen: {last}");
        }

        Assert.NotNull(last);
        Assert.True(last.IsTerminal, $"the status stream ended before a terminal state: {last}");
        return last;
    }
}
