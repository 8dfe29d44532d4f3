using RagApp.AppHost.Supervision;

namespace RagApp.Tests.Supervision;

/// <summary>The supervisor's rules: what counts as a crash, how long it waits, which settings it refuses.</summary>
public sealed class SupervisionRulesTests
{
    [Theory]
    [InlineData("Running", "Finished", "Crashed")]
    [InlineData("Running", "Exited", "Crashed")]
    [InlineData("Running", "FailedToStart", "Crashed")]
    [InlineData("Stopping", "Finished", "StoppedOnRequest")]
    [InlineData("Stopping", "Exited", "StoppedOnRequest")]
    [InlineData("Starting", "Running", "None")]
    [InlineData("Running", "Stopping", "None")]
    [InlineData(null, "Finished", "None")]
    [InlineData("Waiting", "FailedToStart", "None")]
    public void Classify_TellsACrashFromARequestedStop_ByTheStateBefore(string? previous, string state, string expected) =>
        Assert.Equal(expected, InstanceExit.Classify(previous, state).ToString());

    [Fact]
    public void Backoff_DoublesFromTheInitialWait_UpToTheCap()
    {
        var options = new SupervisionOptions { InitialBackoff = TimeSpan.FromSeconds(1), MaxBackoff = TimeSpan.FromSeconds(30) };

        var delays = Enumerable.Range(1, 8).Select(restart => RestartBackoff.For(restart, options).TotalSeconds).ToArray();

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
        Assert.Equal(TimeSpan.FromSeconds(30), RestartBackoff.For(int.MaxValue, options));
    }

    [Fact]
    public void Validator_RefusesABackoffOfZero_AndACapBelowTheInitialWait()
    {
        var validator = new SupervisionOptionsValidator();

        var zero = validator.Validate(null, new SupervisionOptions { InitialBackoff = TimeSpan.Zero });
        var inverted = validator.Validate(null, new SupervisionOptions { InitialBackoff = TimeSpan.FromSeconds(10), MaxBackoff = TimeSpan.FromSeconds(5) });
        var defaults = validator.Validate(null, new SupervisionOptions());

        Assert.Contains("RagApp:Supervision:InitialBackoff", zero.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RagApp:Supervision:MaxBackoff", inverted.FailureMessage, StringComparison.Ordinal);
        Assert.True(defaults.Succeeded);
    }
}
