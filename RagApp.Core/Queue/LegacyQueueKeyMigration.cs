using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RagApp.Core.Redis;
using StackExchange.Redis;

namespace RagApp.Core.Queue;

/// <summary>
/// Moves what a store written by an earlier version holds under the queue's former key names (no hash tag:
/// <c>queue:ingest:ready</c>, <c>job:&lt;id&gt;</c>, ...) to the current ones (<see cref="IngestQueueKeys"/>), once at
/// every start of a process that uses the queue, so that jobs queued before an upgrade are leased after it. Each key
/// moves in one atomic script that merges with the current key (<see cref="LegacyQueueKeyScripts.Move"/>), so running
/// it again, or in several processes at once, or next to a queue already in use, changes nothing further. Jobs' hashes
/// and payloads move first: a job id that reaches the current ready list always finds its job there. The heartbeats are
/// dropped rather than moved (live consumers write theirs again within Ingest:Queue:HeartbeatInterval).
/// </summary>
internal sealed partial class LegacyQueueKeyMigration(
    IConnectionMultiplexer redis,
    IOptions<IngestQueueOptions> options,
    TimeProvider timeProvider,
    ILogger<LegacyQueueKeyMigration> logger) : BackgroundService
{
    private const int ScanPage = 1000;
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(1);
    private static readonly string[] MoveOrder = ["doc:", "bytes", "processing", "leases", "delayed", "retained", "dead", "ready", "workers"];

    private readonly IngestQueueKeys _keys = new(options.Value.QueueName);
    private readonly string _formerQueuePrefix = RedisKeys.QueuePrefix + options.Value.QueueName + ":";

    /// <summary>Moves every key of the former layout; returns how many were moved (0 on a store that has none).</summary>
    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        // A job an earlier-version gateway queued while a pass ran is moved by the next one.
        var moved = 0;
        for (var pass = 0; pass < 3; pass++)
        {
            var movedNow = await MigrateOnceAsync(cancellationToken);
            moved += movedNow;
            if (movedNow == 0)
            {
                break;
            }
        }

        if (moved > 0)
        {
            LogMigrated(moved, options.Value.QueueName);
        }

        return moved;
    }

    private async Task<int> MigrateOnceAsync(CancellationToken cancellationToken)
    {
        // The pattern excludes current job keys (job:{...}); "[^{]" is Redis's (and Garnet's) glob negation.
        var formerJobs = await ScanAsync(RedisKeys.JobPrefix + "[^{]*", cancellationToken);
        var formerQueue = await ScanAsync(_formerQueuePrefix + "*", cancellationToken);
        if (formerJobs.Count == 0 && formerQueue.Count == 0)
        {
            return 0;
        }

        // Former job keys name no queue: a job moves here when this queue names it (a former or current list or set),
        // or when it is finished (only its status is left). A live job no list of this queue names belongs to another
        // queue on the same Redis, whose own processes move it.
        var ours = await JobIdsNamedAsync(formerQueue);
        var moved = 0;
        foreach (var key in formerJobs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rest = key[RedisKeys.JobPrefix.Length..];
            const string payloadSuffix = ":payload";
            var isPayload = rest.EndsWith(payloadSuffix, StringComparison.Ordinal);
            var jobId = isPayload ? rest[..^payloadSuffix.Length] : rest;
            if (!ours.Contains(jobId) && !await IsFinishedAsync(RedisKeys.JobPrefix + jobId))
            {
                continue;
            }

            moved += await MoveAsync(key, isPayload ? _keys.Payload(jobId) : _keys.Job(jobId), "keep", cancellationToken);
        }

        // Records and the byte count before the lists that name jobs; the processing list before the lease deadlines
        // (an expired lease is settled by taking its job off the processing list).
        var ordered = formerQueue
            .Select(key => (Former: key, Name: key[_formerQueuePrefix.Length..]))
            .OrderBy(key => Array.IndexOf(MoveOrder, key.Name.StartsWith("doc:", StringComparison.Ordinal) ? "doc:" : key.Name))
            .ToList();
        foreach (var (former, name) in ordered)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (name == "workers")
            {
                await redis.GetDatabase().KeyDeleteAsync(former);
                continue;
            }

            if (name.StartsWith("doc:", StringComparison.Ordinal))
            {
                moved += await MoveAsync(former, _keys.Document(name["doc:".Length..]), "document", cancellationToken);
                continue;
            }

            (RedisKey Key, string Mode)? target = name switch
            {
                "bytes" => (_keys.QueuedBytes, "sum"),
                "processing" => (_keys.Processing, "back"),
                "leases" => (_keys.Leases, "zset"),
                "delayed" => (_keys.Delayed, "zset"),
                "retained" => (_keys.Retained, "zset"),
                "dead" => (_keys.DeadLetters, "back"),
                "ready" => (_keys.Ready, "front"),
                _ => null,
            };
            if (target is { } known)
            {
                moved += await MoveAsync(former, known.Key, known.Mode, cancellationToken);
            }
            else
            {
                LogUnknownKey(former);
            }
        }

        return moved;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: a Redis that is not reachable yet must not hold the service's start.
        await Task.Yield();
        var delay = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await MigrateAsync(stoppingToken);
                return;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The former keys stay where they are until a later attempt (or the next start) moves them.
                LogMigrationFailed(delay.TotalSeconds, exception.Message);
            }

            await Task.Delay(delay, timeProvider, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks));
        }
    }

    /// <summary>The job ids this queue's lists and sets name, under the former names and the current ones.</summary>
    private async Task<HashSet<string>> JobIdsNamedAsync(List<string> formerQueue)
    {
        var database = redis.GetDatabase();
        var lists = new List<RedisKey> { _keys.Ready, _keys.Processing, _keys.DeadLetters };
        var sets = new List<RedisKey> { _keys.Leases, _keys.Delayed, _keys.Retained };
        foreach (var key in formerQueue)
        {
            switch (key[_formerQueuePrefix.Length..])
            {
                case "ready" or "processing" or "dead":
                    lists.Add(key);
                    break;
                case "leases" or "delayed" or "retained":
                    sets.Add(key);
                    break;
            }
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var list in lists)
        {
            ids.UnionWith((await database.ListRangeAsync(list)).Select(id => (string)id!));
        }

        foreach (var set in sets)
        {
            ids.UnionWith((await database.SortedSetRangeByRankAsync(set)).Select(id => (string)id!));
        }

        return ids;
    }

    private async Task<bool> IsFinishedAsync(RedisKey formerJob)
    {
        var state = (string?)await redis.GetDatabase().HashGetAsync(formerJob, JobStatusFields.State);
        return state is nameof(JobState.Succeeded) or nameof(JobState.Unchanged) or nameof(JobState.Superseded) or nameof(JobState.Failed);
    }

    private async Task<List<string>> ScanAsync(string pattern, CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        foreach (var server in redis.GetServers().Where(server => server.IsConnected && !server.IsReplica))
        {
            await foreach (var key in server.KeysAsync(pattern: pattern, pageSize: ScanPage).WithCancellation(cancellationToken))
            {
                keys.Add(key!);
            }
        }

        return keys;
    }

    private async Task<int> MoveAsync(RedisKey former, RedisKey current, string mode, CancellationToken cancellationToken)
    {
        // The former layout ran only where there are no slots (a cluster refused its scripts); a key that a cluster
        // holds anyway (a single-key write) cannot move in one script, and is left alone, said so.
        if (redis.HashSlot(former) != redis.HashSlot(current))
        {
            LogCannotMove(former!, current!);
            return 0;
        }

        cancellationToken.ThrowIfCancellationRequested();
        return (int)await redis.GetDatabase().ScriptEvaluateAsync(LegacyQueueKeyScripts.Move, [former, current], [mode]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Moved} keys of queue {QueueName} from the former key layout to the hash-tagged one")]
    private partial void LogMigrated(int moved, string queueName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue key {Key} of the former layout is not known; left in place")]
    private partial void LogUnknownKey(string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Queue key {Former} cannot move to {Current} in one step (different cluster slots); left in place")]
    private partial void LogCannotMove(string former, string current);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Moving the queue's former keys failed, retrying in {DelaySeconds} s: {Reason}")]
    private partial void LogMigrationFailed(double delaySeconds, string reason);
}
