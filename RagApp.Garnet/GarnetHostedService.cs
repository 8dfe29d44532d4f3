using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RagApp.Garnet;

/// <summary>Runs the embedded Garnet server for the lifetime of the host.</summary>
internal sealed partial class GarnetHostedService(
    IOptions<GarnetHostOptions> options,
    ILoggerFactory loggerFactory,
    ILogger<GarnetHostedService> logger) : IHostedService, IDisposable
{
    private EmbeddedGarnetServer? _server;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _server = EmbeddedGarnetServer.Start(settings, loggerFactory);
        var dataDirectory = Path.GetFullPath(settings.DataDirectory);
        LogListening(logger, settings.BindAddress, settings.Port, dataDirectory);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _server?.Dispose();
        _server = null;
        return Task.CompletedTask;
    }

    public void Dispose() => _server?.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Garnet listening on {Address}:{Port}, data in {DataDirectory}")]
    private static partial void LogListening(ILogger logger, string address, int port, string dataDirectory);
}
