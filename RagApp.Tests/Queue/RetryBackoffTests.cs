using RagApp.Core.Queue;

namespace RagApp.Tests.Queue;

public sealed class RetryBackoffTests
{
    [Theory]
    [InlineData(1, 0.0, 2.0)]
    [InlineData(2, 0.0, 4.0)]
    [InlineData(5, 0.0, 32.0)]
    [InlineData(5, 0.5, 28.8)]
    [InlineData(9, 0.0, 300.0)]
    [InlineData(1000, 0.999, 240.06)]
    public void Delay_DoublesPerAttempt_CappedAtTheMaximum_LessJitter(int failedAttempt, double jitterSample, double expectedSeconds)
    {
        var delay = RetryBackoff.Delay(failedAttempt, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(5), jitterSample);

        Assert.Equal(expectedSeconds, delay.TotalSeconds, precision: 6);
    }
}
