using System.Diagnostics;
using System.Text;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using RagApp.AppHost.Commands;
using RagApp.AppHost.Supervision;

namespace RagApp.Tests.EndToEnd;

/// <summary>
/// The AppHost's supervision: a service killed with SIGKILL comes back by itself (with a new process) and does its work,
/// while a service stopped on request stays stopped. Linux only (the processes are found in /proc).
/// </summary>
[Collection(SupervisedAppCollection.Name)]
public sealed class CrashRestartTests(SupervisedAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public Task KilledWorker_IsStartedAgain_AndIngestsTheNextUpload() =>
        KillAndExpectRestartAsync("ingest-worker", "RagApp.Ingest.Worker", "e2e-after-worker-kill");

    [Fact]
    public Task KilledRag_IsStartedAgain_AndIngestsTheNextUpload() =>
        KillAndExpectRestartAsync("rag", "RagApp.Rag", "e2e-after-rag-kill");

    [Fact]
    public Task KilledGarnet_IsStartedAgain_AndIngestsTheNextUpload() =>
        KillAndExpectRestartAsync("redis", "RagApp.Garnet", "e2e-after-garnet-kill");

    [Fact]
    public async Task GatewayKilledTwiceInARow_WaitsTwiceAsLongBeforeTheSecondRestart()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "finds the service's process in /proc");
        await fixture.WaitUntilHealthyAsync(Cancellation);
        for (var crash = 1; crash <= 2; crash++)
        {
            var (launcher, service) = ServiceProcess.Find(fixture.App, "gateway", "RagApp.Gateway");
            using (var process = Process.GetProcessById(service))
            {
                process.Kill();
            }

            // The fixture's backoff starts at 100 ms and doubles; the gateway is up far less than StableAfter (1 min).
            // The log is replayed from its start, so the n-th crash line is this crash's.
            var seen = 0;
            var line = await ResourceLogs.WaitForLineAsync(
                fixture.App, "gateway", line => line.Contains("Supervision: gateway ended without being asked to", StringComparison.Ordinal) && ++seen == crash,
                $"the supervisor to see the gateway's crash number {crash}", RagAppFixture.ResourcePatience, Cancellation);

            var delay = SupervisedAppFixture.InitialBackoff * (crash == 1 ? 1 : 2);
            Assert.Contains($"starting it again in {delay} (restart {crash} in a row)", line, StringComparison.Ordinal);
            await WaitForNewHealthyProcessAsync("gateway", launcher);
        }
    }

    [Fact]
    public async Task StoppedRag_StaysStopped_UntilStartedOnRequest()
    {
        await fixture.WaitUntilHealthyAsync(Cancellation);

        var stoppedAt = DateTimeOffset.UtcNow;
        await fixture.StopResourceAsync("rag", Cancellation);
        try
        {
            // The supervisor decides when it sees the stop; with the fixture's 100 ms backoff a restart would be
            // decided (and logged) at that same moment instead.
            var decision = await ResourceLogs.WaitForLineAsync(
                fixture.App, "rag", line => line.Contains("Supervision: rag was stopped on request", StringComparison.Ordinal)
                    || line.Contains("Supervision: rag ended without being asked to", StringComparison.Ordinal),
                "the supervisor's decision about the stopped rag", RagAppFixture.ResourcePatience, Cancellation, since: stoppedAt);

            // What the AppHost logged for rag around the stop (commands, supervision), for a failure to show.
            var logs = fixture.App.Services.GetRequiredService<ResourceLoggerService>();
            Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState("rag", out var state));
            var around = await InMemoryLinesAsync(logs, state.ResourceId, stoppedAt - TimeSpan.FromSeconds(5));
            Assert.True(decision.Contains("not restarting it", StringComparison.Ordinal), $"decision: {decision}\nrag's AppHost log:\n{around}");
            Assert.True(KnownResourceStates.TerminalStates.Contains(state.Snapshot.State?.Text), $"rag is {state.Snapshot.State?.Text}\nrag's AppHost log:\n{around}");
            // What the supervisor reads when the orchestrator skips Stopping: Aspire's own line for the stop command.
            Assert.True(
                await LifecycleCommandLog.LastAsync(logs, state.ResourceId, Cancellation) == KnownResourceCommands.StopCommand,
                $"the last lifecycle command logged is not 'stop'\nrag's AppHost log:\n{around}");
        }
        finally
        {
            await fixture.StartResourceAsync("rag", Cancellation);
        }
    }

    [Fact]
    public async Task RetryFailedJobsCommand_ReportsWhatItQueuedAgain()
    {
        await fixture.WaitUntilHealthyAsync(Cancellation);
        var api = fixture.CreateGatewayApi();
        // A rejected document: failed for good, which the command counts but cannot queue again.
        var corrupt = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n garbage \u0001");
        var bad = await api.UploadFileAsync("rejected-for-command.pdf", "application/pdf", corrupt, cancellationToken: Cancellation);
        var job = await api.WaitForJobAsync(bad.GetProperty("job_id").GetString()!, Cancellation);
        Assert.Equal("failed", job.GetProperty("status").GetString());

        var result = await fixture.ExecuteCommandAsync("gateway", RetryFailedJobsCommandExtensions.CommandName, Cancellation);

        Assert.True(result.Success, result.Message);
        Assert.Matches(@"^Queued \d+ failed job\(s\) again; [1-9]\d* cannot be retried\.$", result.Message);
    }

    /// <summary>The AppHost's own lines in a resource's log (commands, supervision) stamped at or after <paramref name="since"/>.</summary>
    private static async Task<string> InMemoryLinesAsync(ResourceLoggerService logs, string resourceId, DateTimeOffset since)
    {
        await using var batches = logs.GetAllAsync(resourceId).GetAsyncEnumerator(Cancellation);
        if (!await batches.MoveNextAsync())
        {
            return "(none)";
        }

        var stamp = since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture);
        return string.Join("\n", batches.Current.Select(line => line.Content).Where(line => string.CompareOrdinal(line, stamp) >= 0));
    }

    private async Task KillAndExpectRestartAsync(string resource, string program, string documentId)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "finds the service's process in /proc");
        await fixture.WaitUntilHealthyAsync(Cancellation);
        var (launcher, service) = ServiceProcess.Find(fixture.App, resource, program);

        var killedAt = DateTimeOffset.UtcNow;
        using (var process = Process.GetProcessById(service))
        {
            process.Kill(); // SIGKILL: no shutdown code runs, as in an OOM kill.
        }

        var crash = await ResourceLogs.WaitForLineAsync(
            fixture.App, resource, line => line.Contains($"Supervision: {resource} ended without being asked to", StringComparison.Ordinal),
            $"the supervisor to see {resource} crash", RagAppFixture.ResourcePatience, Cancellation, since: killedAt);
        await WaitForNewHealthyProcessAsync(resource, launcher);
        await fixture.WaitUntilHealthyAsync(Cancellation);
        var api = fixture.CreateGatewayApi();
        // Healthy is each service's own view: the gateway's Redis connection may still be reconnecting after a Redis
        // restart, and answers 503 with Retry-After meanwhile, which a client honours.
        var accepted = await api.UploadTextHonouringRetryAfterAsync(
            IngestionTests<GarnetAppFixture>.Paragraph(600, 800), "After a kill", documentId, RagAppFixture.ResourcePatience, Cancellation);
        var job = await api.WaitForJobAsync(accepted.GetProperty("job_id").GetString()!, Cancellation);

        Assert.Contains("exit code 137", crash, StringComparison.Ordinal);
        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(200, (await api.GetDocumentAsync(documentId, Cancellation)).Status);
    }

    /// <summary>
    /// Waits until the resource runs again from a new launcher process and reports healthy. (Waiting for healthy alone
    /// would give up at once: Aspire stops waiting on a resource that is down.)
    /// </summary>
    private async Task WaitForNewHealthyProcessAsync(string resource, int killedLauncher)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        patience.CancelAfter(RagAppFixture.ResourcePatience);
        try
        {
            await fixture.App.ResourceNotifications.WaitForResourceAsync(
                resource,
                update => update.Snapshot.State?.Text == KnownResourceStates.Running
                    && ServiceProcess.LauncherPid(update.Snapshot) is { } pid && pid != killedLauncher
                    && update.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
                patience.Token);
        }
        catch (OperationCanceledException) when (!Cancellation.IsCancellationRequested)
        {
            throw new TimeoutException($"{resource} was not running again, with a new process, and healthy within {RagAppFixture.ResourcePatience.TotalSeconds:F0} s of being killed.");
        }
    }
}
