using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RagApp.Core.Queue;

/// <summary>
/// Job statuses from the job:{ingest}:&lt;id&gt; hashes. Every queue script publishes the job's snapshot on
/// job:{ingest}:&lt;id&gt;:changes after changing it, with a version number, so a watcher subscribes first, reads second,
/// and drops notifications that its read already covered: no change falls between the read and the subscription.
/// </summary>
internal sealed partial class RedisJobStatusStore(
    IConnectionMultiplexer redis,
    IOptions<IngestQueueOptions> options,
    TimeProvider timeProvider,
    ILogger<RedisJobStatusStore> logger) : IJobStatusStore
{
    private static readonly RedisValue[] SnapshotFields = Array.ConvertAll(JobStatusFields.Snapshot, field => (RedisValue)field);

    /// <summary>A watcher re-reads the hash this often without notifications, in case some were lost in a reconnect.</summary>
    private readonly TimeSpan _resyncInterval = options.Value.PollInterval * 5;

    private readonly IngestQueueKeys _keys = new(options.Value.QueueName);

    public async Task<JobStatus?> GetAsync(string jobId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        return (await ReadAsync(jobId, cancellationToken))?.Status;
    }

    public async IAsyncEnumerable<JobStatus> WatchAsync(string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        var changes = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(_keys.JobChannel(jobId)));
        try
        {
            var current = await ReadAsync(jobId, cancellationToken);
            if (current is null)
            {
                yield break;
            }

            yield return current.Status;
            while (!current.Status.IsTerminal)
            {
                var next = await NextChangeAsync(changes, jobId, cancellationToken);
                if (next is null)
                {
                    LogWatchedJobVanished(jobId);
                    yield break;
                }

                if (next.Version > current.Version)
                {
                    current = next;
                    yield return current.Status;
                }
            }
        }
        finally
        {
            await changes.UnsubscribeAsync();
        }
    }

    private async Task<JobSnapshot?> NextChangeAsync(ChannelMessageQueue changes, string jobId, CancellationToken cancellationToken)
    {
        using var resyncDue = new CancellationTokenSource(_resyncInterval, timeProvider);
        using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, resyncDue.Token);
        try
        {
            var message = await changes.ReadAsync(stopReading.Token);
            return JobSnapshot.FromNotification(message.Message!);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return await ReadAsync(jobId, cancellationToken);
        }
    }

    private async Task<JobSnapshot?> ReadAsync(string jobId, CancellationToken cancellationToken)
    {
        var values = await redis.GetDatabase().HashGetAsync(_keys.Job(jobId), SnapshotFields).WaitAsync(cancellationToken);
        return JobSnapshot.FromHash(values);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Watched job {JobId} no longer exists")]
    private partial void LogWatchedJobVanished(string jobId);
}
