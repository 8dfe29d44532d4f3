using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace RagApp.Tests.EndToEnd;

/// <summary>
/// The operating-system process of a resource, found from its snapshot (Linux /proc). A project resource's
/// "executable.pid" is its <c>dotnet run</c> launcher; the service itself is that launcher's child, and it is the process
/// a crash or an OOM kill takes down.
/// </summary>
internal static class ServiceProcess
{
    public const string PidProperty = "executable.pid";

    /// <summary>The launcher's pid from a snapshot, or null while none runs.</summary>
    public static int? LauncherPid(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(property => property.Name == PidProperty)?.Value is { } value
        && int.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid)
        && pid > 0
            ? pid
            : null;

    /// <summary>The running service of <paramref name="resource"/>: the launcher's child named <paramref name="program"/>.</summary>
    public static (int Launcher, int Service) Find(DistributedApplication app, string resource, string program)
    {
        if (!app.ResourceNotifications.TryGetCurrentState(resource, out var state) || LauncherPid(state.Snapshot) is not { } launcher)
        {
            throw new InvalidOperationException($"{resource} has no process id in its snapshot.");
        }

        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && ParentOf(pid) == launcher && ProgramOf(pid) == program)
            {
                return (launcher, pid);
            }
        }

        throw new InvalidOperationException($"{resource}'s launcher (pid {launcher}) has no child process {program}.");
    }

    private static int? ParentOf(int pid)
    {
        try
        {
            // After the command name (which may hold spaces and parentheses): the state, then the parent's pid.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // Gone meanwhile.
        }
    }

    private static string? ProgramOf(int pid)
    {
        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline");
            return Path.GetFileName(commandLine.Split('\0', 2)[0]);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
