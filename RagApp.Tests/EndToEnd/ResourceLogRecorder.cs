using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace RagApp.Tests.EndToEnd;

/// <summary>
/// Writes every resource's console log to a file (bin/.../e2e-logs/&lt;fixture&gt;/&lt;resource&gt;.log), so that a
/// failing end-to-end test can be diagnosed from what the services said, on CI as on a laptop.
/// </summary>
public sealed class ResourceLogRecorder : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _writers = [];

    public ResourceLogRecorder(DistributedApplication app, string fixtureName, IEnumerable<string> resources)
    {
        Directory = Path.Combine(AppContext.BaseDirectory, "e2e-logs", fixtureName);
        System.IO.Directory.CreateDirectory(Directory);
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var name in resources)
        {
            // By resource, not by name: logs are kept per running instance (name plus a suffix).
            var resource = model.Resources.Single(candidate => candidate.Name == name);
            _writers.Add(Task.Run(() => RecordAsync(logs, resource)));
        }
    }

    public string Directory { get; }

    private async Task RecordAsync(ResourceLoggerService logs, IResource resource)
    {
        await using var file = new StreamWriter(Path.Combine(Directory, resource.Name + ".log"), append: false) { AutoFlush = true };
        try
        {
            await foreach (var batch in logs.WatchAsync(resource).WithCancellation(_stop.Token))
            {
                foreach (var line in batch)
                {
                    await file.WriteLineAsync(line.Content);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Recording ends with the fixture.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_writers);
        _stop.Dispose();
    }
}
