using System.Diagnostics;

namespace RagApp.AppHost.Infrastructure;

/// <summary>
/// Asks the container runtime Aspire would use whether its engine answers. A docker CLI without a
/// running engine is common (CI machines, sandboxes), so finding the CLI is not enough.
/// </summary>
public static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <returns>Null when the runtime answers; otherwise why it does not.</returns>
    public static string? WhyUnavailable(string runtime)
    {
        var executable = ExecutableLocator.Find(runtime);
        if (executable is null)
        {
            return $"'{runtime}' is not on PATH";
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo(executable, ["info", "--format", "{{.ServerVersion}}"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return $"'{runtime}' could not be started";
            }

            var errorTask = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return $"'{runtime} info' did not answer within {Timeout.TotalSeconds:F0} s";
            }

            if (process.ExitCode == 0)
            {
                return null;
            }

            var error = errorTask.Wait(TimeSpan.FromSeconds(1)) ? errorTask.Result.Trim() : "";
            var firstLine = error.Split('\n', 2)[0].Trim();
            return $"'{runtime} info' failed: {(firstLine.Length > 0 ? firstLine : $"exit code {process.ExitCode}")}";
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"'{runtime}' could not be run: {exception.Message}";
        }
    }
}
