using System.Collections.Concurrent;
using System.Diagnostics;

namespace RagApp.Reliability;

/// <summary>
/// Measures what the worker sustains, then uploads at twice that rate for a while: every answer must be 202, or 503
/// with <c>Retry-After</c> once the queue is full; the services' memory must stay flat; and every accepted job must
/// complete afterwards.
/// </summary>
/// <remarks>
/// The uploads cycle through a fixed set of documents (a minute's worth), each upload a new version of one of them:
/// after the first minute the index holds as much as it ever will, so memory that still grows is not data. The queue's
/// backlog does grow (that is overload), by a few MB of payloads.
/// </remarks>
internal static class OverloadScenario
{
    private const int Words = 500;

    /// <summary>
    /// Garnet at its defaults levelled off at 715 MiB under a write load that filled its buffers (hash index 128 MiB,
    /// log memory 256 MiB, AOF buffer 128 MiB); docs/benchmarks.md, "Overload".
    /// </summary>
    private const long RedisCeilingBytes = 768L * 1024 * 1024;

    public static async Task<ScenarioReport> RunAsync(AppUnderTest app, TimeSpan duration, int seed, CancellationToken cancellationToken)
    {
        var report = new ScenarioReport($"Overload: uploads at twice the sustained rate for {duration.TotalMinutes:F0} min");
        var random = new Random(seed);
        var documents = 0;
        var distinctDocuments = int.MaxValue;
        string NextText(out string documentId)
        {
            documentId = $"overload-{seed}-{documents++ % distinctDocuments:D6}";
            return SyntheticText.Create(random, documentId, 1, Words);
        }

        // What the worker sustains: a backlog of documents like those of the run, drained.
        var calibration = new List<string>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 60; i++)
        {
            var text = NextText(out var documentId);
            var submission = await app.Gateway.UploadTextAsync(documentId, documentId, text, cancellationToken);
            calibration.Add(submission.JobId ?? throw new InvalidOperationException($"Calibration upload refused: {submission.Status} {submission.Problem}"));
        }

        await app.Gateway.WaitForJobsAsync(calibration, TimeSpan.FromMinutes(10), cancellationToken);
        var sustained = calibration.Count / clock.Elapsed.TotalSeconds;
        var target = 2 * sustained;
        distinctDocuments = Math.Max(calibration.Count, (int)Math.Ceiling(target * 60));
        documents = 0;
        report.Figure("worker sustains", $"{sustained:F1} documents/s of ~{Words} words; target {target:F1} uploads/s over {distinctDocuments} documents");

        var accepted = new ConcurrentBag<string>();
        var answers = new ConcurrentDictionary<string, int>();
        var samples = new List<(double Seconds, Dictionary<string, long> Rss)>();
        var inFlight = new SemaphoreSlim(32);
        var running = new List<Task>();
        clock.Restart();
        var nextSample = TimeSpan.Zero;
        var sent = 0;
        while (clock.Elapsed < duration)
        {
            if (clock.Elapsed >= nextSample)
            {
                samples.Add((clock.Elapsed.TotalSeconds, Rss(app)));
                nextSample += TimeSpan.FromSeconds(5);
            }

            // Open loop: uploads leave on schedule, whatever the answers.
            var due = (int)(clock.Elapsed.TotalSeconds * target);
            while (sent < due)
            {
                sent++;
                var text = NextText(out var documentId);
                await inFlight.WaitAsync(cancellationToken);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        var submission = await app.Gateway.UploadTextAsync(documentId, documentId, text, cancellationToken);
                        var key = submission.Status == 503 && !submission.RetryAfter ? "503 without Retry-After" : submission.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        answers.AddOrUpdate(key, 1, (_, count) => count + 1);
                        if (submission.Accepted)
                        {
                            accepted.Add(submission.JobId!);
                        }
                    }
                    finally
                    {
                        inFlight.Release();
                    }
                }, cancellationToken));
            }

            await Task.Delay(20, cancellationToken);
        }

        await Task.WhenAll(running);
        var offered = clock.Elapsed;
        samples.Add((clock.Elapsed.TotalSeconds, Rss(app)));
        var drainClock = Stopwatch.StartNew();
        var views = await app.Gateway.WaitForJobsAsync(accepted, TimeSpan.FromMinutes(30), cancellationToken);
        var drained = drainClock.Elapsed;
        // Superseded is a completion too: a newer version of the same document was indexed first.
        var completed = views.Values.Count(view => view is { Status: "succeeded" or "unchanged" or "superseded" });
        var unexpected = answers.Where(pair => pair.Key is not ("202" or "503")).ToList();
        report.Figure("offered", $"{sent} uploads in {offered.TotalSeconds:F0} s ({sent / offered.TotalSeconds:F1}/s)");
        report.Check("answers other than 202, or 503 with Retry-After", unexpected.Count == 0,
            $"{string.Join(", ", answers.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}: {pair.Value}"))}");
        report.Check("accepted jobs completed afterwards", completed == accepted.Count, $"{completed} of {accepted.Count}, drained in {drained.TotalSeconds:F0} s");
        var minutes = (int)Math.Ceiling(offered.TotalMinutes);
        foreach (var name in samples[0].Rss.Keys)
        {
            // Highest reading of each minute; the first minute fills the document set, so it is left out of the check.
            var perMinute = Enumerable.Range(0, minutes)
                .Select(minute => samples.Where(sample => sample.Seconds >= minute * 60 && sample.Seconds < (minute + 1) * 60).Select(sample => sample.Rss.GetValueOrDefault(name)).DefaultIfEmpty().Max())
                .ToList();
            var secondMinute = perMinute[Math.Min(1, perMinute.Count - 1)];
            var lastMinute = perMinute[^1];
            var byMinute = string.Join(" ", perMinute.Select(rss => (rss / 1048576.0).ToString("F0", System.Globalization.CultureInfo.InvariantCulture)));
            if (name == app.RedisProcessName)
            {
                // The Redis server fills buffers of a fixed size before it levels off (Garnet: its hash index, log memory
                // and AOF buffer), and holds the queue's backlog and the embedding cache: it is held to a ceiling.
                report.Check($"{name} resident memory, highest reading (ceiling {RedisCeilingBytes / 1048576} MiB)", perMinute.Max() <= RedisCeilingBytes,
                    $"{perMinute.Max() / 1048576.0:F0} MiB; by minute: {byMinute}");
                continue;
            }

            // Flat: the last minute's highest reading within a quarter (and 64 MiB) of the second minute's.
            var flat = lastMinute <= Math.Max(secondMinute * 1.25, secondMinute + (64L * 1024 * 1024));
            report.Check($"{name} resident memory, second minute → last minute (max of 5 s samples)", flat,
                $"{secondMinute / 1048576.0:F0} → {lastMinute / 1048576.0:F0} MiB; by minute: {byMinute}");
        }

        return report;
    }

    private static Dictionary<string, long> Rss(AppUnderTest app) =>
        ServiceProcesses.Services.Append(app.RedisProcessName).ToDictionary(
            name => name,
            name => app.Processes.Find(name) is { } pid ? ServiceProcesses.Memory(pid)?.Rss ?? 0 : 0);
}
