using RagApp.Core.Redis;
using StackExchange.Redis;

namespace RagApp.Rag.Index.Generation;

/// <summary>
/// Publishes the index generation token to Redis: the key <see cref="RedisKeys.IndexGeneration"/> holds the latest and
/// the channel of the same name announces it (<see cref="IndexGenerationScripts.Publish"/>). Once at start-up, after the
/// index is loaded (the hosted service runs after <see cref="VectorStoreInitializer"/>), and after every write, before
/// the write is acknowledged, so that the next question a client asks after its write returns sees the new generation.
/// A write never waits on an unreachable Redis: its publication is tried once within <see cref="WriteBound"/> (the
/// connection fails fast while disconnected), and what failed is retried in the background with backoff, and at once
/// when the connection is restored. Only the latest generation is ever sent.
/// </summary>
internal sealed partial class RedisIndexGenerationPublisher(
    Func<IConnectionMultiplexer> connect,
    IVectorStore store,
    Func<CancellationToken, Task<string>> identity,
    TimeProvider timeProvider,
    ILogger<RedisIndexGenerationPublisher> logger) : BackgroundService, IIndexGenerationPublisher
{
    /// <summary>The longest a write waits for its publication: one round trip to Redis is well below it.</summary>
    public static readonly TimeSpan WriteBound = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private string? _identity;
    private long _latest = -1;
    private long _published = -1;
    private volatile IConnectionMultiplexer? _connection;

    public async Task PublishAsync(long generation, CancellationToken cancellationToken)
    {
        Advance(generation);
        // Until the background loop has connected (start-up), it publishes the latest generation itself.
        if (_connection is not { } connection)
        {
            Wake();
            return;
        }

        // Not the caller's token: a write that completed is published even if its caller has gone.
        if (!await TryPublishAsync(connection, WriteBound, CancellationToken.None))
        {
            Wake();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: connecting may take the connect timeout while Redis is down.
        await Task.Yield();
        try
        {
            Advance(await store.GetGenerationAsync(stoppingToken));
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // The index was loaded a moment ago; should the store fail now, the next write publishes instead.
            LogGenerationUnread(exception.Message);
        }

        var connection = connect();
        connection.ConnectionRestored += (_, _) =>
        {
            // A Redis that restarted without its data lost the key: publish again, even an unchanged generation.
            Volatile.Write(ref _published, -1);
            Wake();
        };
        _connection = connection;
        var delay = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            if (await TryPublishAsync(connection, WriteBound, stoppingToken))
            {
                delay = FirstRetry;
                await WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken);
                continue;
            }

            await WaitAsync(delay, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks));
        }
    }

    private void Advance(long generation)
    {
        var latest = Volatile.Read(ref _latest);
        while (generation > latest)
        {
            var seen = Interlocked.CompareExchange(ref _latest, generation, latest);
            if (seen == latest)
            {
                return;
            }

            latest = seen;
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is pending already; it publishes the latest generation, whichever write asked.
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        using var timeout = delay == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(delay, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        try
        {
            await _wake.WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The retry delay is over.
        }
    }

    /// <summary>Publishes the latest generation; false when Redis did not take it (it is retried).</summary>
    private async Task<bool> TryPublishAsync(IConnectionMultiplexer connection, TimeSpan bound, CancellationToken cancellationToken)
    {
        var generation = Volatile.Read(ref _latest);
        if (generation < 0 || generation <= Volatile.Read(ref _published))
        {
            return true;
        }

        try
        {
            // Kept once known; until then (the lifetime may live in an unreachable Redis) asked again on each attempt.
            _identity ??= await identity(cancellationToken).WaitAsync(bound, timeProvider, cancellationToken);
            var token = new IndexGenerationToken(_identity, generation);
            await connection.GetDatabase()
                .ScriptEvaluateAsync(IndexGenerationScripts.Publish, [RedisKeys.IndexGeneration], [token.Identity, token.Generation, RedisKeys.IndexGeneration])
                .WaitAsync(bound, timeProvider, cancellationToken);
            MarkPublished(generation);
            LogPublished(token.Identity, token.Generation);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Whatever went wrong (Redis, a timeout, the identity's services), the write it follows stands.
            LogPublicationFailed(generation, exception.Message);
            return false;
        }
    }

    private void MarkPublished(long generation)
    {
        var published = Volatile.Read(ref _published);
        while (generation > published)
        {
            var seen = Interlocked.CompareExchange(ref _published, generation, published);
            if (seen == published)
            {
                return;
            }

            published = seen;
        }
    }

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Index generation {Generation} published (identity {Identity})")]
    private partial void LogPublished(string identity, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index generation not read at start-up, so not published until the next write: {Reason}")]
    private partial void LogGenerationUnread(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Index generation {Generation} not published (retried in the background): {Reason}")]
    private partial void LogPublicationFailed(long generation, string reason);
}
