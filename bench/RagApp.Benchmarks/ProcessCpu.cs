using System.Globalization;

namespace RagApp.Benchmarks;

/// <summary>CPU seconds used so far by the processes of the run (from /proc; Linux only), grouped by program.</summary>
internal static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static IReadOnlyDictionary<string, double> Snapshot()
    {
        var usage = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var directory in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out _))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                var name = NameOf(commandLine);
                if (name is null)
                {
                    continue;
                }

                // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                usage[name] = usage.GetValueOrDefault(name) + (ticks / TicksPerSecond);
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return usage;
    }

    public static string Describe(IReadOnlyDictionary<string, double> before, IReadOnlyDictionary<string, double> after) =>
        string.Join(", ", after
            .Select(pair => (pair.Key, Seconds: pair.Value - before.GetValueOrDefault(pair.Key)))
            .Where(pair => pair.Seconds > 0.05)
            .OrderByDescending(pair => pair.Seconds)
            .Select(pair => string.Create(CultureInfo.InvariantCulture, $"{pair.Key} {pair.Seconds:F1} s")));

    private static string? NameOf(string commandLine)
    {
        string[] programs = ["RagApp.Ingest.Worker", "RagApp.Gateway", "RagApp.Rag", "RagApp.Garnet", "RagApp.Benchmarks", "redis-server", "dcp"];
        return programs.FirstOrDefault(program => commandLine.Contains(program, StringComparison.Ordinal)
            && !commandLine.StartsWith("dotnet run", StringComparison.Ordinal));
    }
}
