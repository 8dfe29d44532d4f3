namespace RagApp.Tests.Index;

/// <summary>A clock stopped at one instant, so file names derived from the time are known in advance.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
