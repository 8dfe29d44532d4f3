using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace RagApp.Gateway.Errors;

/// <summary>
/// Answers 503 with <c>Retry-After</c> when Redis (queue and job statuses) cannot be reached, instead of a 500: the
/// request was fine and will succeed once Redis is back. The multiplexer fails fast while disconnected (see
/// <c>AddGatewayServices</c>), so this answer comes at once rather than after the command timeout.
/// </summary>
internal sealed partial class RedisUnavailableExceptionHandler(
    IProblemDetailsService problemDetails, IOptions<GatewayOptions> options, ILogger<RedisUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsRedisUnavailable(exception) || httpContext.Response.HasStarted || httpContext.RequestAborted.IsCancellationRequested)
        {
            return false;
        }

        LogRedisUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.GetType().Name);
        var retryAfter = Math.Max(1, (int)Math.Ceiling(options.Value.UnavailableRetryAfter.TotalSeconds));
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The job store is not reachable.",
                Detail = $"Redis, which holds the ingest queue and job statuses, cannot be reached right now. Retry after {retryAfter} s.",
            },
        });
    }

    /// <summary>
    /// A connection that breaks while a command waits for its reply can surface from StackExchange.Redis as the pipe's
    /// <see cref="InvalidOperationException"/> ("Reading is not allowed after reader was completed") rather than as a
    /// <see cref="RedisConnectionException"/>, or as a cancelled command when the connection is torn down under it: both
    /// seen when the Redis server was killed during an upload. (A request the client aborted is not answered at all.)
    /// </summary>
    internal static bool IsRedisUnavailable(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        InvalidOperationException => exception.StackTrace?.Contains("StackExchange.Redis.PhysicalConnection", StringComparison.Ordinal) == true,
        OperationCanceledException => exception.StackTrace?.Contains("StackExchange.Redis.", StringComparison.Ordinal) == true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unreachable ({ExceptionType}): {Method} {Path} answered 503")]
    private static partial void LogRedisUnavailable(ILogger logger, string method, PathString path, string exceptionType);
}
