using Grpc.Core;
using Grpc.Health.V1;

namespace RagApp.Ingest.Worker.Indexing;

/// <summary>
/// Holds the worker back while RagApp.Rag is unreachable: once a job has found it down, no further job is leased until
/// its gRPC health service answers again. Otherwise every queued job would be leased, fail and be put back, over and
/// over, for as long as the outage lasts.
/// </summary>
internal sealed partial class IndexAvailability(Health.HealthClient health, TimeProvider timeProvider, ILogger<IndexAvailability> logger)
{
    private static readonly TimeSpan FirstProbeDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxProbeDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProbeDeadline = TimeSpan.FromSeconds(3);

    private volatile bool _unavailable;

    public bool IsUnavailable => _unavailable;

    /// <summary>A job found the index unreachable.</summary>
    public void ReportUnavailable(string reason)
    {
        if (!_unavailable)
        {
            _unavailable = true;
            LogUnavailable(reason);
        }
    }

    /// <summary>Returns at once while the index is believed reachable; otherwise probes it, backing off, until it answers.</summary>
    public async Task WaitUntilAvailableAsync(CancellationToken cancellationToken)
    {
        var delay = FirstProbeDelay;
        var started = timeProvider.GetTimestamp();
        while (_unavailable)
        {
            if (await IsServingAsync(cancellationToken))
            {
                _unavailable = false;
                var outage = timeProvider.GetElapsedTime(started);
                LogAvailableAgain(outage.TotalSeconds);
                return;
            }

            await Task.Delay(delay, timeProvider, cancellationToken);
            delay = delay * 2 < MaxProbeDelay ? delay * 2 : MaxProbeDelay;
        }
    }

    private async Task<bool> IsServingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await health.CheckAsync(
                new HealthCheckRequest(), deadline: timeProvider.GetUtcNow().UtcDateTime + ProbeDeadline, cancellationToken: cancellationToken);
            return response.Status == HealthCheckResponse.Types.ServingStatus.Serving;
        }
        catch (RpcException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RagApp.Rag is unreachable ({Reason}); no further job is taken until it answers")]
    private partial void LogUnavailable(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "RagApp.Rag answers again after {Seconds:F1} s; taking jobs")]
    private partial void LogAvailableAgain(double seconds);
}
