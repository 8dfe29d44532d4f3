using RagApp.Gateway.Errors;
using StackExchange.Redis;

namespace RagApp.Tests.Gateway;

/// <summary>
/// Which exceptions the gateway answers with 503 (Redis unreachable, retry later) rather than 500: Redis's own
/// connection and timeout failures, and a broken connection surfacing from the client's pipe; never an
/// <see cref="InvalidOperationException"/> of our own code, which is a bug and stays a 500.
/// </summary>
public sealed class RedisUnavailableClassificationTests
{
    [Fact]
    public void ConnectionAndTimeoutFailures_AreRedisUnavailable()
    {
        Assert.True(RedisUnavailableExceptionHandler.IsRedisUnavailable(new RedisConnectionException(ConnectionFailureType.SocketClosed, "closed")));
        Assert.True(RedisUnavailableExceptionHandler.IsRedisUnavailable(new RedisTimeoutException("timeout", CommandStatus.Sent)));
    }

    [Fact]
    public void AnInvalidOperationOfOurOwnCode_IsNot()
    {
        var ours = Assert.Throws<InvalidOperationException>(() => ThrowOurs());
        Assert.False(RedisUnavailableExceptionHandler.IsRedisUnavailable(ours));
        Assert.False(RedisUnavailableExceptionHandler.IsRedisUnavailable(new InvalidOperationException("never thrown")));
        var cancelled = Assert.Throws<TaskCanceledException>(() => ThrowCancelled());
        Assert.False(RedisUnavailableExceptionHandler.IsRedisUnavailable(cancelled));
    }

    private static void ThrowCancelled() => throw new TaskCanceledException("cancelled by our own code");

    private static void ThrowOurs() => throw new InvalidOperationException("Reading is not allowed after reader was completed.");
}
