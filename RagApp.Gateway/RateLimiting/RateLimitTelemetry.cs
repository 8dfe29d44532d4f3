using System.Diagnostics.Metrics;

namespace RagApp.Gateway.RateLimiting;

/// <summary>
/// Rate-limit decisions on the gateway's meter ("RagApp.Gateway"), by policy and outcome (allowed, rejected,
/// failed_open), and a log line when Redis stops (and starts again) answering the limiter, rather than one per request.
/// </summary>
internal sealed partial class RateLimitTelemetry
{
    public const string Allowed = "allowed";
    public const string Rejected = "rejected";
    public const string FailedOpenOutcome = "failed_open";

    private readonly Counter<long> _decisions;
    private readonly ILogger<RateLimitTelemetry> _logger;
    private int _failingOpen;

    public RateLimitTelemetry(IMeterFactory meterFactory, ILogger<RateLimitTelemetry> logger)
    {
        _logger = logger;
        _decisions = meterFactory.Create(Queries.QueryTelemetry.Name).CreateCounter<long>(
            "ragapp.gateway.rate_limit.decisions", "{request}",
            "Requests the rate limiter decided on, by policy and outcome (allowed, rejected, failed_open: Redis did not answer and the request went through).");
    }

    public void Decided(string policy, string outcome)
    {
        _decisions.Add(1, new KeyValuePair<string, object?>("policy", policy), new KeyValuePair<string, object?>("outcome", outcome));
        if (Interlocked.Exchange(ref _failingOpen, 0) == 1)
        {
            LogRecovered(_logger);
        }
    }

    public void FailedOpen(string policy, Exception exception)
    {
        _decisions.Add(1, new KeyValuePair<string, object?>("policy", policy), new KeyValuePair<string, object?>("outcome", FailedOpenOutcome));
        if (Interlocked.Exchange(ref _failingOpen, 1) == 0)
        {
            LogFailingOpen(_logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limits are not enforced: Redis does not answer the limiter, so requests go through until it does.")]
    private static partial void LogFailingOpen(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rate limits are enforced again: Redis answers the limiter.")]
    private static partial void LogRecovered(ILogger logger);
}
