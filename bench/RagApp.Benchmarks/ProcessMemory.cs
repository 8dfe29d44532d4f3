namespace RagApp.Benchmarks;

/// <summary>Peak resident memory (VmHWM) of a process tree, from /proc (Linux only).</summary>
internal static class ProcessMemory
{
    /// <summary>The largest peak RSS among the process and its descendants whose command line contains <paramref name="marker"/>.</summary>
    public static long? PeakBytes(int rootPid, string marker) => Largest(rootPid, marker, "VmHWM:");

    /// <summary>The largest current RSS among the process and its descendants whose command line contains <paramref name="marker"/>.</summary>
    public static long? ResidentBytes(int rootPid, string marker) => Largest(rootPid, marker, "VmRSS:");

    /// <summary>The first of the process and its descendants whose command line contains <paramref name="marker"/>.</summary>
    public static int? Find(int rootPid, string marker) =>
        SelfAndDescendants(rootPid).Select(pid => (int?)pid)
            .FirstOrDefault(pid => (Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ') ?? "").Contains(marker, StringComparison.Ordinal));

    private static long? Largest(int rootPid, string marker, string field)
    {
        long? best = null;
        foreach (var pid in SelfAndDescendants(rootPid))
        {
            var commandLine = Read($"/proc/{pid}/cmdline")?.Replace('\0', ' ') ?? "";
            if (!commandLine.Contains(marker, StringComparison.Ordinal))
            {
                continue;
            }

            var status = Read($"/proc/{pid}/status");
            var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            if (line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], out var kib))
            {
                best = Math.Max(best ?? 0, kib * 1024);
            }
        }

        return best;
    }

    private static IEnumerable<int> SelfAndDescendants(int pid)
    {
        yield return pid;
        foreach (var task in Directory.Exists($"/proc/{pid}/task") ? Directory.GetDirectories($"/proc/{pid}/task") : [])
        {
            var children = Read(Path.Combine(task, "children")) ?? "";
            foreach (var child in children.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                foreach (var descendant in SelfAndDescendants(int.Parse(child, System.Globalization.CultureInfo.InvariantCulture)))
                {
                    yield return descendant;
                }
            }
        }
    }

    private static string? Read(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
