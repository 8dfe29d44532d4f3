namespace RagApp.Rag.Index.Embedded;

/// <summary>
/// Folds the embedded store's write-ahead log into a snapshot when it grows past VectorStore:SnapshotLogSizeBytes
/// or has held records for VectorStore:SnapshotInterval, so start-up replay stays short. Runs off the write path:
/// a write never waits for a snapshot it triggered.
/// </summary>
internal sealed partial class EmbeddedSnapshotService(
    EmbeddedVectorStore store,
    TimeProvider timeProvider,
    ILogger<EmbeddedSnapshotService> logger) : BackgroundService
{
    private static readonly TimeSpan CheckPeriod = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckPeriod, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (store.IsSnapshotDue())
                {
                    await store.SnapshotAsync(stoppingToken);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // The log still holds every change; the next tick tries again.
                LogSnapshotFailed(exception);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing the index snapshot failed; the write-ahead log keeps every change and the next attempt follows shortly")]
    private partial void LogSnapshotFailed(Exception exception);
}
