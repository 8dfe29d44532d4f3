using System.Collections.Concurrent;
using System.Diagnostics;

namespace RagApp.Reliability;

/// <summary>
/// Measures what the worker sustains, then uploads at twice that rate for a while: every answer must be 202, or 503
/// with <c>Retry-After</c> once the queue is full; the services' memory must stay flat; and every accepted job must
/// complete afterwards.
/// </summary>
internal static class OverloadScenario
{
    private const int Words = 500;

    public static async Task<ScenarioReport> RunAsync(AppUnderTest app, TimeSpan duration, int seed, CancellationToken cancellationToken)
    {
        var report = new ScenarioReport($"Overload: uploads at twice the sustained rate for {duration.TotalMinutes:F0} min");
        var random = new Random(seed);
        var documents = 0;
        string NextText(out string documentId)
        {
            documentId = $"overload-{seed}-{documents++:D6}";
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
        report.Figure("worker sustains", $"{sustained:F1} documents/s of ~{Words} words; target {target:F1} uploads/s");

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
        var completed = views.Values.Count(view => view is { Status: "succeeded" or "unchanged" });
        var unexpected = answers.Where(pair => pair.Key is not ("202" or "503")).ToList();
        report.Figure("offered", $"{sent} uploads in {offered.TotalSeconds:F0} s ({sent / offered.TotalSeconds:F1}/s)");
        report.Check("answers other than 202, or 503 with Retry-After", unexpected.Count == 0,
            $"{string.Join(", ", answers.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}: {pair.Value}"))}");
        report.Check("accepted jobs completed afterwards", completed == accepted.Count, $"{completed} of {accepted.Count}, drained in {drained.TotalSeconds:F0} s");
        foreach (var name in samples[0].Rss.Keys)
        {
            var firstMinute = samples.Where(sample => sample.Seconds <= 60).Max(sample => sample.Rss.GetValueOrDefault(name));
            var lastMinute = samples.Where(sample => sample.Seconds >= offered.TotalSeconds - 60).Max(sample => sample.Rss.GetValueOrDefault(name));
            // Flat: the last minute's highest reading within a quarter (and 64 MiB) of the first minute's.
            var flat = lastMinute <= Math.Max(firstMinute * 1.25, firstMinute + (64L * 1024 * 1024));
            report.Check($"{name} resident memory, first minute → last minute (max of 5 s samples)", flat,
                $"{firstMinute / 1048576.0:F0} → {lastMinute / 1048576.0:F0} MiB");
        }

        return report;
    }

    private static Dictionary<string, long> Rss(AppUnderTest app) =>
        ServiceProcesses.Services.Append(app.RedisProcessName).ToDictionary(
            name => name,
            name => app.Processes.Find(name) is { } pid ? ServiceProcesses.Memory(pid)?.Rss ?? 0 : 0);
}
