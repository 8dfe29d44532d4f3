using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using RagApp.Core.Redis;
using RagApp.Rag.Answers;
using RagApp.Rag.Retrieval;
using StackExchange.Redis;

namespace RagApp.Rag.Sessions;

/// <summary>
/// Sessions in Redis: <c>session:{id}</c> is a list of the turns' JSON, oldest first, trimmed to
/// <see cref="SessionStoreOptions.MaxTurns"/> and expiring <see cref="SessionStoreOptions.Expiry"/> after its last read or write.
/// Every call is bounded by <see cref="SessionStoreOptions.Timeout"/>; a failure or timeout is logged at Warning, counted,
/// and then read as "no history" or a dropped turn, so that Redis trouble costs a follow-up its context, never its answer.
/// </summary>
internal sealed partial class RedisSessionStore : ISessionStore
{
    private readonly Func<IConnectionMultiplexer> _connect;
    private readonly SessionStoreOptions _options;
    private readonly QueryTelemetry _telemetry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RedisSessionStore> _logger;
    private readonly Lock _connectLock = new();
    private Task<IConnectionMultiplexer>? _connection;

    public RedisSessionStore(
        Func<IConnectionMultiplexer> connect,
        IOptions<SessionStoreOptions> options,
        QueryTelemetry telemetry,
        TimeProvider timeProvider,
        ILogger<RedisSessionStore> logger)
    {
        _connect = connect;
        _options = options.Value;
        _telemetry = telemetry;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public static RedisKey KeyFor(Guid sessionId) => RedisKeys.SessionPrefix + sessionId.ToString("D");

    public async Task<IReadOnlyList<ConversationTurn>> LoadAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        RedisResult result;
        try
        {
            result = await RunAsync(
                database => database.ScriptEvaluateAsync(SessionScripts.Load, [KeyFor(sessionId)], [ExpiryMilliseconds]),
                cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Fail(SessionOperations.Load, sessionId, exception);
            return [];
        }

        var values = (RedisValue[]?)result ?? [];
        var turns = new List<ConversationTurn>(values.Length);
        foreach (var value in values)
        {
            if (Decode(value) is { } turn)
            {
                turns.Add(turn);
            }
            else
            {
                // One unreadable entry (written by another version, or by hand) costs that turn, not the conversation.
                LogTurnUnreadable(sessionId);
            }
        }

        return turns;
    }

    public async Task AppendAsync(Guid sessionId, ConversationTurn turn, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(turn, SessionJsonContext.Default.ConversationTurn);
        try
        {
            await RunAsync(
                database => database.ScriptEvaluateAsync(SessionScripts.Append, [KeyFor(sessionId)], [json, _options.MaxTurns, ExpiryMilliseconds]),
                cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            Fail(SessionOperations.Append, sessionId, exception);
        }
    }

    private long ExpiryMilliseconds => (long)_options.Expiry.TotalMilliseconds;

    /// <summary>Connects if need be and runs one command, all within the timeout and the caller's cancellation.</summary>
    private async Task<RedisResult> RunAsync(Func<IDatabase, Task<RedisResult>> command, CancellationToken cancellationToken)
    {
        // One deadline for both steps: a query waits no longer than the timeout, however the time is spent.
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            var redis = await ConnectionAsync().WaitAsync(linked.Token);
            return await command(redis.GetDatabase()).WaitAsync(linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(string.Create(CultureInfo.InvariantCulture, $"Redis did not answer within {_options.Timeout.TotalMilliseconds:F0} ms."));
        }
    }

    /// <summary>
    /// The shared connection, resolved once on a pool thread: Aspire's factory connects synchronously, for up to the
    /// connect timeout when Redis is away, and no request thread should block on that. A failed attempt is retried by
    /// the next call.
    /// </summary>
    private Task<IConnectionMultiplexer> ConnectionAsync()
    {
        lock (_connectLock)
        {
            if (_connection is null || _connection.IsFaulted || _connection.IsCanceled)
            {
                _connection = Task.Run(_connect);
            }

            return _connection;
        }
    }

    private static ConversationTurn? Decode(RedisValue value)
    {
        if (value.IsNullOrEmpty)
        {
            return null;
        }

        try
        {
            var turn = JsonSerializer.Deserialize((string)value!, SessionJsonContext.Default.ConversationTurn);
            return turn is { Question: not null, RetrievalQuestion: not null, Answer: not null } ? turn : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Fail(string operation, Guid sessionId, Exception exception)
    {
        var reason = exception is TimeoutException or RedisTimeoutException ? "timeout" : "error";
        _telemetry.RecordSessionStoreFailure(operation, reason);
        if (operation == SessionOperations.Load)
        {
            LogLoadFailed(sessionId, exception);
        }
        else
        {
            LogAppendFailed(sessionId, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} could not be read; the question is answered without its history")]
    private partial void LogLoadFailed(Guid sessionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} could not be written; this turn will be missing from its history")]
    private partial void LogAppendFailed(Guid sessionId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId} holds a turn that could not be read; it is skipped")]
    private partial void LogTurnUnreadable(Guid sessionId);
}
