using RagApp.Core.Redis;
using StackExchange.Redis;

namespace RagApp.Gateway.Caching;

/// <summary>
/// The gateway's copy of RagApp.Rag's index generation token (<see cref="IndexGenerationToken"/>), kept in memory so
/// that a cache lookup costs no call to RagApp.Rag and no extra Redis round trip. It follows the channel
/// <see cref="RedisKeys.IndexGeneration"/>, reads the key of the same name at start and whenever a connection is
/// restored, and moves forward when an answer reports a later generation (<see cref="Observe"/>). While a connection
/// is down announcements may be missed, so the token is forgotten until the key has been read again: an unknown token
/// bypasses the cache.
/// </summary>
internal sealed partial class IndexGenerationWatcher(
    Func<IConnectionMultiplexer> connect,
    TimeProvider timeProvider,
    ILogger<IndexGenerationWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private IndexGenerationToken? _token;

    /// <summary>Counts announcements and losses, so that a key read overtaken by either does not undo it.</summary>
    private long _changes;

    private static readonly RedisChannel Channel = RedisChannel.Literal(RedisKeys.IndexGeneration);

    private IConnectionMultiplexer? _connection;
    private volatile ISubscriber? _subscriber;

    /// <summary>
    /// The latest token known, or null while it is not known, or while the subscription's connection is down (its
    /// announcements would be missed even if the other connection is up). A local check: no round trip.
    /// </summary>
    public IndexGenerationToken? Current => _subscriber is { } subscriber && subscriber.IsConnected(Channel) ? Volatile.Read(ref _token) : null;

    /// <summary>An answer computed at <paramref name="generation"/>: a later generation of the same index than the token's moves it on.</summary>
    public void Observe(long generation)
    {
        lock (_gate)
        {
            // The answer carries no identity: it can only be compared with the generation of the identity known now.
            if (_token is { } token && generation > token.Generation)
            {
                Volatile.Write(ref _token, token with { Generation = generation });
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: connecting may take the connect timeout while Redis is down.
        await Task.Yield();
        var connection = connect();
        _connection = connection;
        connection.ConnectionFailed += (_, failure) => Forget(failure.ConnectionType, failure.FailureType);
        connection.ConnectionRestored += (_, _) => _ = ReadKeyAsync(stoppingToken);

        var delay = FirstRetry;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // The client subscribes again by itself after a reconnect.
                var subscriber = connection.GetSubscriber();
                // A message queue rather than a handler: announcements are taken one at a time, in the order sent.
                var announcements = await subscriber.SubscribeAsync(Channel);
                announcements.OnMessage(message => Announced(message.Message));
                _subscriber = subscriber;
                break;
            }
            catch (RedisException exception)
            {
                LogSubscribeFailed(exception.Message);
                await Task.Delay(delay, timeProvider, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks));
            }
        }

        // After subscribing: an announcement made meanwhile is either in the key read or arrives afterwards.
        await ReadKeyAsync(stoppingToken);
    }

    private void Announced(RedisValue message)
    {
        if (!IndexGenerationToken.TryParse(message, out var announced))
        {
            LogUnreadable(message.ToString());
            return;
        }

        lock (_gate)
        {
            _changes++;
            Take(announced);
        }
    }

    private async Task ReadKeyAsync(CancellationToken cancellationToken)
    {
        if (_connection is not { } connection)
        {
            return;
        }

        long changes;
        lock (_gate)
        {
            changes = _changes;
        }

        RedisValue value;
        try
        {
            value = await connection.GetDatabase().StringGetAsync(RedisKeys.IndexGeneration).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // The next ConnectionRestored reads it again; until then the cache is bypassed.
            LogReadFailed(exception.Message);
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        if (value.IsNull)
        {
            return;
        }

        if (!IndexGenerationToken.TryParse(value, out var stored))
        {
            LogUnreadable(value.ToString());
            return;
        }

        lock (_gate)
        {
            // An announcement or a loss since the read began is newer than what was read, unless the read is the later
            // generation of the same identity.
            if (_changes == changes || (_token is { } token && token.Identity == stored.Identity))
            {
                Take(stored);
            }
        }
    }

    /// <summary>Under the lock: a new identity replaces the token, the same identity only moves forward.</summary>
    private void Take(IndexGenerationToken token)
    {
        if (_token is null || _token.Identity != token.Identity || token.Generation > _token.Generation)
        {
            Volatile.Write(ref _token, token);
            LogToken(token.Identity, token.Generation);
        }
    }

    private void Forget(ConnectionType connectionType, ConnectionFailureType failureType)
    {
        lock (_gate)
        {
            _changes++;
            Volatile.Write(ref _token, null);
        }

        LogForgotten(connectionType, failureType);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Index generation {Generation} (identity {Identity}) known to the query cache")]
    private partial void LogToken(string identity, long generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "Query cache bypassed until Redis is back: the {ConnectionType} connection failed ({FailureType})")]
    private partial void LogForgotten(ConnectionType connectionType, ConnectionFailureType failureType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query cache: subscribing to the index generation failed, retrying: {Reason}")]
    private partial void LogSubscribeFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query cache: the index generation could not be read: {Reason}")]
    private partial void LogReadFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Query cache: unreadable index generation token '{Token}' ignored")]
    private partial void LogUnreadable(string token);
}
