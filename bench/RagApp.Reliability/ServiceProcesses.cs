using System.Globalization;

namespace RagApp.Reliability;

/// <summary>
/// The processes of one run of the application, found in /proc (Linux only) among the descendants of its AppHost:
/// each service runs as <c>dotnet run</c> with the service's own executable below it, and the harness acts on that
/// executable, the process that does the work.
/// </summary>
internal sealed class ServiceProcesses(int appHostPid)
{
    public const string Worker = "RagApp.Ingest.Worker";
    public const string Rag = "RagApp.Rag";
    public const string Gateway = "RagApp.Gateway";
    public const string Garnet = "RagApp.Garnet";
    public const string RedisServer = "redis-server";

    public static readonly string[] Services = [Worker, Rag, Gateway];

    /// <summary>The process running <paramref name="program"/>, or null when none runs (yet).</summary>
    public int? Find(string program)
    {
        foreach (var pid in All())
        {
            var commandLine = CommandLine(pid);
            if (commandLine is null || commandLine.StartsWith("dotnet", StringComparison.Ordinal))
            {
                continue;
            }

            var executable = commandLine.Split(' ', 2)[0];
            if (Path.GetFileName(executable) == program || (program == RedisServer && commandLine.StartsWith("redis-server ", StringComparison.Ordinal)))
            {
                return pid;
            }
        }

        return null;
    }

    /// <summary>
    /// Every descendant of the AppHost, and of the orchestrator (DCP) it started: DCP detaches from the AppHost (its
    /// parent becomes init) and starts the services, so it is found by the <c>--monitor &lt;AppHost pid&gt;</c> it runs with.
    /// </summary>
    public List<int> All()
    {
        var children = new Dictionary<int, List<int>>();
        var monitors = new Dictionary<int, List<int>>();
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            if (ParentOf(pid) is { } parent)
            {
                (children.TryGetValue(parent, out var list) ? list : children[parent] = []).Add(pid);
            }

            if (CommandLine(pid) is { } commandLine && commandLine.Contains(" start-apiserver ", StringComparison.Ordinal)
                && MonitoredPid(commandLine) is { } monitored)
            {
                (monitors.TryGetValue(monitored, out var list) ? list : monitors[monitored] = []).Add(pid);
            }
        }

        var result = new List<int>();
        var pending = new Stack<int>([appHostPid]);
        while (pending.TryPop(out var pid))
        {
            foreach (var child in (children.GetValueOrDefault(pid) ?? []).Concat(monitors.GetValueOrDefault(pid) ?? []))
            {
                result.Add(child);
                pending.Push(child);
            }
        }

        return result;
    }

    private static int? MonitoredPid(string commandLine)
    {
        var arguments = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var index = Array.IndexOf(arguments, "--monitor");
        return index >= 0 && index + 1 < arguments.Length && int.TryParse(arguments[index + 1], CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an OOM kill.</summary>
    public static void Kill(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Already gone.
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Resident memory now and at its peak (VmRSS, VmHWM), in bytes.</summary>
    public static (long Rss, long Peak)? Memory(int pid)
    {
        var status = Read($"/proc/{pid}/status");
        if (status is null)
        {
            return null;
        }

        long Field(string name) => status.Split('\n').FirstOrDefault(line => line.StartsWith(name, StringComparison.Ordinal)) is { } line
            ? long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024
            : 0;
        return (Field("VmRSS:"), Field("VmHWM:"));
    }

    private static int? ParentOf(int pid)
    {
        var stat = Read($"/proc/{pid}/stat");
        if (stat is null)
        {
            return null;
        }

        // Fields after the command name (which may hold spaces and parentheses): state, then the parent's pid.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], CultureInfo.InvariantCulture);
    }

    private static string? CommandLine(int pid) => Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ').Trim();

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
