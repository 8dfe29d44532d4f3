namespace RagApp.Tests.Queue;

/// <summary>
/// A clock the test moves by hand. Only the wall clock is fake: timers and timestamps stay real, so a consumer
/// waiting for work still wakes up, while lease deadlines and retry due times follow the test's script.
/// </summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public ManualClock()
        : this(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero))
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
