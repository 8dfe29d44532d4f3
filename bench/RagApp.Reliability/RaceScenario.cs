using System.Diagnostics;

namespace RagApp.Reliability;

/// <summary>
/// Rounds of concurrent edits and deletes of the same few documents, sent without waiting for each other: whatever
/// order the jobs run in, the index must end on each document's newest submission (the highest version the gateway
/// answered), checked every few rounds once the jobs have ended.
/// </summary>
internal static class RaceScenario
{
    private const int Documents = 8;
    private const int RoundsPerCheck = 20;

    public static async Task<ScenarioReport> RunAsync(AppUnderTest app, int rounds, int seed, CancellationToken cancellationToken)
    {
        var report = new ScenarioReport("Races: concurrent edits and deletes of the same documents");
        var random = new Random(seed);
        var expected = new ExpectedChunks();
        var verifier = new IndexVerifier(app.Gateway, expected);
        // Per document: the newest accepted submission's version and its text (null: a delete).
        var newest = new Dictionary<string, (long Version, string? Text)>();
        var jobs = new List<string>();
        var statuses = new Dictionary<string, int>();
        var checks = 0;
        var failedChecks = new List<string>();
        var revision = 0;
        var clock = Stopwatch.StartNew();
        for (var round = 1; round <= rounds; round++)
        {
            var documentId = $"race-{seed}-{random.Next(Documents)}";
            var submissions = Enumerable.Range(0, 2 + random.Next(3)).Select(_ =>
            {
                var text = random.NextDouble() < 0.25 ? null : SyntheticText.Create(random, documentId, ++revision, random.NextDouble() < 0.5 ? 60 : 900);
                var delay = random.Next(40);
                return (Text: text, Delay: delay);
            }).ToList();
            var answers = await Task.WhenAll(submissions.Select(async submission =>
            {
                await Task.Delay(submission.Delay, cancellationToken);
                var answer = submission.Text is null
                    ? await app.Gateway.DeleteAsync(documentId, cancellationToken)
                    : await app.Gateway.UploadTextAsync(documentId, documentId, submission.Text, cancellationToken);
                return (answer, submission.Text);
            }));
            foreach (var (answer, text) in answers)
            {
                statuses[$"{(text is null ? "delete" : "upload")} {answer.Status}"] = statuses.GetValueOrDefault($"{(text is null ? "delete" : "upload")} {answer.Status}") + 1;
                if (!answer.Accepted)
                {
                    continue; // a delete of a document with nothing to delete answers 404
                }

                jobs.Add(answer.JobId!);
                if (!newest.TryGetValue(documentId, out var held) || answer.Version > held.Version)
                {
                    newest[documentId] = (answer.Version, text);
                }
            }

            if (round % RoundsPerCheck == 0 || round == rounds)
            {
                var views = await app.Gateway.WaitForJobsAsync(jobs, TimeSpan.FromMinutes(5), cancellationToken);
                foreach (var view in views.Values)
                {
                    statuses[$"job {view?.Status ?? "lost"}"] = statuses.GetValueOrDefault($"job {view?.Status ?? "lost"}") + 1;
                }

                jobs.Clear();
                checks++;
                var problems = await verifier.VerifyAsync(newest.ToDictionary(pair => pair.Key, pair => pair.Value.Text), cancellationToken);
                failedChecks.AddRange(problems.Select(problem => $"after round {round}: {problem}"));
            }
        }

        report.Figure("rounds", $"{rounds} over {Documents} documents, 2 to 4 submissions each (a quarter of them deletes), {clock.Elapsed.TotalSeconds:F0} s");
        report.Figure("answers and job outcomes", string.Join(", ", statuses.OrderBy(pair => pair.Key).Select(pair => $"{pair.Key}: {pair.Value}")));
        report.Check("checks where a document was not on its newest submission", failedChecks.Count == 0,
            failedChecks.Count == 0 ? $"0 of {checks * Documents} document checks" : $"{failedChecks.Count}: {string.Join("; ", failedChecks.Take(3))}");
        report.Check("jobs lost or failed", !statuses.Keys.Any(key => key is "job lost" or "job failed"), $"{statuses.GetValueOrDefault("job lost")} lost, {statuses.GetValueOrDefault("job failed")} failed");
        return report;
    }
}
