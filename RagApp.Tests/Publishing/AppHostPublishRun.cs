using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace RagApp.Tests.Publishing;

/// <summary>
/// Runs the built AppHost the way a deployment script does (<c>dotnet run --no-build --project RagApp.AppHost -- ...</c>),
/// with configuration passed as environment variables, and captures its exit code and output.
/// </summary>
internal static class AppHostPublishRun
{
    public static string AppHostProject => Projects.RagApp_AppHost.ProjectPath;

    public static async Task<AppHostRunResult> RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var configuration = typeof(AppHostPublishRun).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Path.GetDirectoryName(AppHostProject))!,
        };
        foreach (var argument in (string[])["run", "--no-build", "-c", configuration, "--project", AppHostProject, "--", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        output.Append(await stdout).Append(await stderr);
        return new(process.ExitCode, output.ToString());
    }
}
