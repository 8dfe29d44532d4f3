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

    [Theory]
    [InlineData("stop", "StoppedOnRequest")]
    [InlineData("restart", "StoppedOnRequest")]
    [InlineData("rebuild", "StoppedOnRequest")]
    [InlineData("start", "Crashed")]
    [InlineData(null, "Crashed")]
    public void Classify_AnEndStraightFromRunning_IsARequestedStop_WhenTheLastCommandAskedForIt(string? lastCommand, string expected) =>
        // The orchestrator's watch can skip Stopping: then the command issued last tells a stop on request from a crash.
        Assert.Equal(expected, InstanceExit.Classify("Running", "Finished", lastCommand).ToString());

    [Fact]
    public void LastLifecycleCommand_IsTheLatestOfStartStopRestartRebuild_IgnoringOtherCommandsAndLines()
    {
        string[] lines =
        [
            "2026-12-03T09:44:11.1724508Z Executing command 'start'.",
            "2026-12-03T09:44:12.0000000Z Supervision: rag was started before its restart was due; the restart is dropped.",
            "2026-12-03T09:44:13.1724508Z Executing command 'stop'.",
            "2026-12-03T09:44:14.1724508Z Executing command 'retry-failed-jobs'.",
            "2026-12-03T09:44:15.1724508Z Successfully executed command 'stop'.",
        ];

        Assert.Equal("stop", LifecycleCommandLog.Last(lines));
        Assert.Equal("start", LifecycleCommandLog.Last(lines[..2]));
        Assert.Null(LifecycleCommandLog.Last(lines[1..2]));
    }

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
