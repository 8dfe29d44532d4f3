namespace RagApp.Tests.Queue;

/// <summary>The system clock set off by a fixed amount: a consumer on a machine whose clock is wrong.</summary>
internal sealed class SkewedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + offset;
}
