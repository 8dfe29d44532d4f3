namespace RagApp.AppHost.Infrastructure;

/// <summary>Finds programs on PATH the way a shell would.</summary>
public static class ExecutableLocator
{
    public static string? Find(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var candidate in Candidates(Path.Combine(directory, name)))
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static IEnumerable<string> Candidates(string basePath)
    {
        yield return basePath;
        if (OperatingSystem.IsWindows())
        {
            yield return basePath + ".exe";
        }
    }
}
