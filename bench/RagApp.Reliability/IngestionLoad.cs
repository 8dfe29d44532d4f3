using System.Collections.Concurrent;

namespace RagApp.Reliability;

/// <summary>
/// Keeps the worker busy: uploads new documents while fewer than <c>inFlight</c> accepted jobs are unfinished, until
/// told to stop. Each document has one text, so an upload refused or cut off (by a restarting Redis) is sent again
/// as is and the index must end on exactly that text.
/// </summary>
internal sealed class IngestionLoad(GatewayClient gateway, string prefix, int seed)
{
    private readonly ConcurrentDictionary<string, string> texts = new();
    private readonly ConcurrentDictionary<string, Submission> accepted = new();
    private readonly ConcurrentDictionary<string, bool> ended = new();
    private int refused;

    /// <summary>Every accepted job, by job id.</summary>
    public IReadOnlyDictionary<string, Submission> Accepted => accepted;

    /// <summary>Each document's text (each document is uploaded with one text only).</summary>
    public IReadOnlyDictionary<string, string> Texts => texts;

    /// <summary>Uploads not answered 202 (refused while a dependency restarted, or cut off), each sent again.</summary>
    public int Refused => refused;

    public IReadOnlyDictionary<int, int> RefusedByStatus => refusedByStatus;

    private readonly ConcurrentDictionary<int, int> refusedByStatus = new();

    public async Task RunAsync(int minimumDocuments, int inFlight, Func<bool> mayStop, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        var next = 0;
        while (next < minimumDocuments || !mayStop())
        {
            var unfinished = accepted.Keys.Where(job => !ended.ContainsKey(job)).ToList();
            if (unfinished.Count >= inFlight)
            {
                await RefreshAsync(unfinished, cancellationToken);
                await Task.Delay(200, cancellationToken);
                continue;
            }

            var documentId = $"{prefix}-{next:D4}";
            var text = texts.GetOrAdd(documentId, id => SyntheticText.Create(random, id, 1, 300 + random.Next(900)));
            var submission = await gateway.UploadTextAsync(documentId, $"Document {next}", text, cancellationToken);
            if (submission.Accepted)
            {
                accepted[submission.JobId!] = submission;
                next++;
            }
            else
            {
                Interlocked.Increment(ref refused);
                refusedByStatus.AddOrUpdate(submission.Status, 1, (_, count) => count + 1);
                await Task.Delay(250, cancellationToken);
            }
        }
    }

    private async Task RefreshAsync(List<string> jobs, CancellationToken cancellationToken)
    {
        foreach (var job in jobs)
        {
            try
            {
                if (await gateway.GetJobAsync(job, cancellationToken) is not { Ended: false })
                {
                    ended[job] = true;
                }
            }
            catch (HttpRequestException)
            {
                return; // Redis or the gateway restarting: look again later.
            }
        }
    }
}
