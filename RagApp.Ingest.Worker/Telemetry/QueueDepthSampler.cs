using RagApp.Core.Queue;

namespace RagApp.Ingest.Worker.Telemetry;

/// <summary>
/// Samples the queue depth every few seconds: metric callbacks are synchronous and must not call Redis,
/// so the gauges report the latest sample.
/// </summary>
internal sealed partial class QueueDepthSampler(
    IIngestQueue queue, IngestTelemetry telemetry, TimeProvider timeProvider, ILogger<QueueDepthSampler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private volatile QueueDepth? _latest;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        telemetry.ObserveQueueDepth(() => _latest);
        using var timer = new PeriodicTimer(Interval, timeProvider);
        do
        {
            try
            {
                _latest = await queue.GetDepthAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
            {
                LogSampleFailed(logger, exception.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not sample the queue depth: {Reason}")]
    private static partial void LogSampleFailed(ILogger logger, string reason);
}
