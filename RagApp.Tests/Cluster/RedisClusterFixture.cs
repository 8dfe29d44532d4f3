using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using RagApp.AppHost.Infrastructure;
using RagApp.Tests.Queue;

namespace RagApp.Tests.Cluster;

/// <summary>
/// A real Redis Cluster of three primaries (no replicas), each a redis-server child process with its own port, cluster
/// bus port and temp directory, the slots split in three and joined by CLUSTER MEET. The base class then connects
/// StackExchange.Redis to the first node, which discovers the cluster and routes every command by its key's slot, as a
/// service connected to Azure Cache for Redis (clustered) or ElastiCache (cluster mode) does. Killed on dispose.
/// </summary>
public sealed class RedisClusterFixture : QueueServerFixture
{
    public const int Primaries = 3;

    private static readonly string? RedisServerPath = ExecutableLocator.Find("redis-server");
    private static readonly string? RedisCliPath = ExecutableLocator.Find("redis-cli");
    private static readonly TimeSpan FormationBound = TimeSpan.FromSeconds(60);

    private readonly List<Process> _nodes = [];

    public override string? SkipReason => (RedisServerPath, RedisCliPath) switch
    {
        (null, _) => "redis-server is not on PATH (apt-get install -y redis-server): no Redis Cluster to test against",
        (_, null) => "redis-cli is not on PATH (apt-get install -y redis-tools): the Redis Cluster cannot be formed",
        _ => null,
    };

    /// <summary>The client ports of the primaries; the first is <see cref="QueueServerFixture.Port"/>.</summary>
    public IReadOnlyList<int> NodePorts { get; private set; } = [];

    protected override void StartServer()
    {
        var ports = new List<int> { Port };
        while (ports.Count < Primaries)
        {
            var port = FreeLocalPort.Next();
            if (!ports.Contains(port))
            {
                ports.Add(port);
            }
        }

        var busPorts = new List<int>();
        while (busPorts.Count < Primaries)
        {
            var port = FreeLocalPort.Next();
            if (!ports.Contains(port) && !busPorts.Contains(port))
            {
                busPorts.Add(port);
            }
        }

        NodePorts = ports;
        for (var node = 0; node < Primaries; node++)
        {
            _nodes.Add(StartNode(ports[node], busPorts[node]));
        }

        var started = Stopwatch.StartNew();
        foreach (var port in ports)
        {
            AwaitCondition(() => Accepts(port), started, $"node {port} accepting connections");
        }

        // 16384 slots in three ranges, then the first node meets the others (explicit bus ports: they are not port+10000).
        for (var node = 0; node < Primaries; node++)
        {
            var first = node * 16384 / Primaries;
            var last = ((node + 1) * 16384 / Primaries) - 1;
            Cli(ports[node], "CLUSTER", "ADDSLOTSRANGE", Text(first), Text(last));
        }

        for (var node = 1; node < Primaries; node++)
        {
            Cli(ports[0], "CLUSTER", "MEET", "127.0.0.1", Text(ports[node]), Text(busPorts[node]));
        }

        // Every node must see every slot served before a client may rely on any of them.
        foreach (var port in ports)
        {
            AwaitCondition(
                () => Cli(port, "CLUSTER", "INFO").Contains("cluster_state:ok", StringComparison.Ordinal)
                    && Cli(port, "CLUSTER", "INFO").Contains($"cluster_known_nodes:{Primaries}", StringComparison.Ordinal),
                started,
                $"node {port} reporting cluster_state:ok with {Primaries} known nodes");
        }
    }

    protected override bool HasExited => _nodes.Any(node => node.HasExited);

    protected override void StopServer()
    {
        foreach (var node in _nodes)
        {
            try
            {
                if (!node.HasExited)
                {
                    node.Kill(entireProcessTree: true);
                    node.WaitForExit(TimeSpan.FromSeconds(10));
                }
            }
            finally
            {
                node.Dispose();
            }
        }

        _nodes.Clear();
    }

    private Process StartNode(int port, int busPort)
    {
        var directory = Directory.CreateDirectory(Path.Combine(DataDirectory, Text(port))).FullName;
        var startInfo = new ProcessStartInfo(RedisServerPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--bind", "127.0.0.1", "--port", Text(port), "--dir", directory, "--save", "", "--appendonly", "no",
            "--requirepass", Password, "--masterauth", Password, "--maxmemory-policy", "noeviction",
            "--cluster-enabled", "yes", "--cluster-config-file", Path.Combine(directory, "nodes.conf"),
            "--cluster-port", Text(busPort), "--cluster-node-timeout", "5000",
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-server did not start.");
        // Drain its output so a full pipe never blocks it.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Runs one command on one node through redis-cli and returns its output; throws on an error reply.</summary>
    private string Cli(int port, params string[] command)
    {
        var startInfo = new ProcessStartInfo(RedisCliPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-h", "127.0.0.1", "-p", Text(port), "--no-auth-warning", "-a", Password }.Concat(command))
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill();
            throw new TimeoutException($"redis-cli {string.Join(' ', command)} on {port} did not return.");
        }

        var text = output.GetAwaiter().GetResult() + error.GetAwaiter().GetResult();
        if (process.ExitCode != 0 || text.StartsWith("ERR", StringComparison.Ordinal) || text.StartsWith("(error)", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"redis-cli {string.Join(' ', command)} on {port}: {text}");
        }

        return text;
    }

    /// <summary>Polls until the condition holds (a short pause between looks), failing after <see cref="FormationBound"/>.</summary>
    private void AwaitCondition(Func<bool> condition, Stopwatch started, string what)
    {
        while (!condition())
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"A cluster node exited while waiting for {what}.");
            }

            if (started.Elapsed > FormationBound)
            {
                throw new TimeoutException($"The Redis Cluster did not form within {FormationBound.TotalSeconds} s: no {what}.");
            }

            Thread.Sleep(20);
        }
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
