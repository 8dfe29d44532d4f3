using System.Diagnostics;

namespace RagApp.Reliability;

/// <summary>
/// SIGKILLs one process at random moments while documents ingest, then checks that nothing was lost, duplicated or
/// left behind: every accepted job ended well, and every document's chunks are exactly a local chunking of its text.
/// </summary>
internal static class KillScenario
{
    public static async Task<ScenarioReport> RunAsync(AppUnderTest app, string title, string program, int kills, int documents, int seed, CancellationToken cancellationToken)
    {
        var report = new ScenarioReport(title);
        var random = new Random(seed);
        var load = new IngestionLoad(app.Gateway, $"kill-{program.ToLowerInvariant()}-{seed}", seed);
        var killer = new ProcessKiller(app);
        var killsDone = false;
        var loadTask = load.RunAsync(documents, inFlight: 24, () => killsDone, cancellationToken);
        var succeededBeforeKills = new List<HashSet<string>>();
        var clock = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < kills; i++)
            {
                // A random moment while the worker is busy: 0.3 to 4 s after the application is healthy again.
                await Task.Delay(TimeSpan.FromMilliseconds(300 + random.Next(3700)), cancellationToken);
                if (program == ServiceProcesses.Rag)
                {
                    succeededBeforeKills.Add(await SucceededDocumentsAsync(app.Gateway, load, cancellationToken));
                }

                await killer.KillAndAwaitReturnAsync(program, cancellationToken);
                if (program == ServiceProcesses.Rag)
                {
                    // What was indexed before the kill is there after it (the index's own durability).
                    var lost = 0;
                    foreach (var documentId in succeededBeforeKills[^1])
                    {
                        lost += await app.Gateway.GetChunksAsync(documentId, cancellationToken) is null ? 1 : 0;
                    }

                    report.Check($"kill {i + 1}: documents indexed before it and present after", lost == 0, $"{succeededBeforeKills[^1].Count - lost}/{succeededBeforeKills[^1].Count}");
                }
            }
        }
        finally
        {
            killsDone = true;
        }

        await loadTask;
        var killingTook = clock.Elapsed;
        var lastKill = Stopwatch.StartNew();
        var views = await app.Gateway.WaitForJobsAsync(load.Accepted.Keys, TimeSpan.FromMinutes(10), cancellationToken);
        var drained = lastKill.Elapsed;
        await AddJobChecksAsync(report, app, load, views, cancellationToken);
        report.Figure("kills (SIGKILL)", $"{killer.Kills} of {program} over {killingTook.TotalSeconds:F0} s");
        report.Figure("kill → new process", ScenarioReport.Seconds(killer.SecondsToNewProcess));
        report.Figure("kill → application healthy again", ScenarioReport.Seconds(killer.SecondsToHealthy));
        report.Figure("last kill → every job ended", $"{drained.TotalSeconds:F1} s");
        return report;
    }

    /// <summary>Checks shared by every scenario that ingests under faults: jobs ended well, chunks exact.</summary>
    public static async Task AddJobChecksAsync(ScenarioReport report, AppUnderTest app, IngestionLoad load, IReadOnlyDictionary<string, JobView?> views, CancellationToken cancellationToken)
    {
        var lost = views.Count(pair => pair.Value is null);
        var stuck = views.Count(pair => pair.Value is { Ended: false });
        var deadLettered = views.Values.Count(view => view is { Status: "failed" });
        var succeeded = views.Values.Count(view => view is { Status: "succeeded" or "unchanged" });
        report.Figure("documents uploaded (202)", $"{load.Accepted.Count}, {load.Refused} refused and sent again ({string.Join(", ", load.RefusedByStatus.Select(pair => $"{pair.Key}: {pair.Value}"))})");
        report.Check("accepted jobs lost (404 afterwards)", lost == 0, $"{lost}");
        report.Check("jobs not ended 10 min after the faults", stuck == 0, $"{stuck}");
        report.Check("jobs failed (dead-lettered)", deadLettered == 0, $"{deadLettered}{(deadLettered > 0 ? ": " + views.Values.First(view => view is { Status: "failed" })!.Error : "")}");
        report.Figure("jobs succeeded", $"{succeeded}; most deliveries of one job: {views.Values.Max(view => view?.Attempts ?? 0)}");
        var problems = await new IndexVerifier(app.Gateway, new ExpectedChunks()).VerifyAsync(load.Texts.ToDictionary(pair => pair.Key, pair => (string?)pair.Value), cancellationToken);
        report.Check("documents whose chunks differ from a local chunking (missing, duplicate, extra, other text)", problems.Count == 0,
            problems.Count == 0 ? $"0 of {load.Texts.Count}" : $"{problems.Count} of {load.Texts.Count}: {string.Join("; ", problems.Take(3))}");
    }

    private static async Task<HashSet<string>> SucceededDocumentsAsync(GatewayClient gateway, IngestionLoad load, CancellationToken cancellationToken)
    {
        var documents = new HashSet<string>();
        foreach (var submission in load.Accepted.Values)
        {
            if (await gateway.GetJobAsync(submission.JobId!, cancellationToken) is { Status: "succeeded" or "unchanged" })
            {
                documents.Add(submission.DocumentId);
            }
        }

        return documents;
    }
}
