using System.Diagnostics;

namespace RagApp.Reliability;

/// <summary>SIGKILLs one of the application's processes and times its return: a new process, then a healthy application.</summary>
internal sealed class ProcessKiller(AppUnderTest app)
{
    public List<double> SecondsToNewProcess { get; } = [];

    public List<double> SecondsToHealthy { get; } = [];

    public int Kills { get; private set; }

    public async Task KillAndAwaitReturnAsync(string program, CancellationToken cancellationToken)
    {
        var pid = await WaitForProcessAsync(program, except: null, TimeSpan.FromMinutes(2), cancellationToken);
        var clock = Stopwatch.StartNew();
        ServiceProcesses.Kill(pid);
        Kills++;
        await WaitForProcessAsync(program, except: pid, TimeSpan.FromMinutes(2), cancellationToken);
        SecondsToNewProcess.Add(clock.Elapsed.TotalSeconds);
        await app.WaitUntilHealthyAsync(TimeSpan.FromMinutes(3), cancellationToken);
        SecondsToHealthy.Add(clock.Elapsed.TotalSeconds);
    }

    private async Task<int> WaitForProcessAsync(string program, int? except, TimeSpan bound, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < bound)
        {
            if (app.Processes.Find(program) is { } pid && pid != except)
            {
                return pid;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"No {program} process {(except is null ? "" : "other than " + except)} within {bound} (AppHost log: {app.LogPath})");
    }
}
