using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RagApp.Core.Queue;
using StackExchange.Redis;

namespace RagApp.Core.Health;

/// <summary>
/// Whether queued documents are being taken: degraded when jobs wait and no ingest worker has sent a heartbeat within
/// <see cref="IngestQueueOptions.ConsumerTimeout"/> (uploads are still accepted and kept, but nothing ingests them), with
/// the age of the oldest waiting job. Jobs whose worker died count as waiting once their lease has run out.
/// </summary>
public sealed class IngestQueueHealthCheck(IIngestQueue queue, IOptions<IngestQueueOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        QueueObservation observation;
        try
        {
            observation = await queue.ObserveAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("The queue cannot be read", exception);
        }

        var silentFor = observation.LastConsumerSeen is { } seen ? observation.ServerTime - seen : (TimeSpan?)null;
        var oldestWait = observation.OldestWaitingSince is { } since ? observation.ServerTime - since : (TimeSpan?)null;
        var data = new Dictionary<string, object>
        {
            ["waiting_jobs"] = observation.Waiting,
            ["processing_jobs"] = observation.Processing,
        };
        if (oldestWait is { } wait)
        {
            data["oldest_waiting_seconds"] = Math.Round(Math.Max(0, wait.TotalSeconds), 1);
        }

        if (silentFor is { } silence)
        {
            data["last_worker_seen_seconds_ago"] = Math.Round(Math.Max(0, silence.TotalSeconds), 1);
        }

        var workerAlive = silentFor is { } quiet && quiet <= options.Value.ConsumerTimeout;
        var waiting = string.Create(CultureInfo.InvariantCulture, $"{observation.Waiting} jobs waiting")
            + (oldestWait is { } oldest ? string.Create(CultureInfo.InvariantCulture, $", the oldest for {Math.Max(0, oldest.TotalSeconds):F0} s") : "");
        if (observation.Waiting > 0 && !workerAlive)
        {
            var lastSeen = silentFor is { } s
                ? string.Create(CultureInfo.InvariantCulture, $"no ingest worker seen for {s.TotalSeconds:F0} s")
                : "no ingest worker seen";
            return HealthCheckResult.Degraded($"{waiting}; {lastSeen}", data: data);
        }

        return HealthCheckResult.Healthy(workerAlive ? $"{waiting}; ingest workers alive" : waiting, data);
    }
}
