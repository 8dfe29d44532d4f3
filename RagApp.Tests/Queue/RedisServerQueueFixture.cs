using System.Diagnostics;
using RagApp.AppHost.Infrastructure;

namespace RagApp.Tests.Queue;

/// <summary>Debian's redis-server as a child process: no persistence, a password, killed on dispose.</summary>
public sealed class RedisServerQueueFixture : QueueServerFixture
{
    // Found on PATH the same way the AppHost finds it, so both test suites agree on whether it is there.
    private static readonly string? RedisServerPath = ExecutableLocator.Find("redis-server");
    private Process? _process;

    public override string? SkipReason => RedisServerPath is not null
        ? null
        : "redis-server is not on PATH (apt-get install -y redis-server)";

    protected override void StartServer()
    {
        var startInfo = new ProcessStartInfo(RedisServerPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--dir", DataDirectory, "--save", "", "--appendonly", "no", "--requirepass", Password,
            "--maxmemory-policy", "noeviction",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        _process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start.");
        // Drain its output so a full pipe never blocks it.
        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    protected override bool HasExited => _process is { HasExited: true };

    protected override void StopServer()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
