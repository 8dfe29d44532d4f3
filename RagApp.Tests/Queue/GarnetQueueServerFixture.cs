using RagApp.Garnet;

namespace RagApp.Tests.Queue;

/// <summary>RagApp's embedded Garnet server, in process, configured exactly as the application runs it.</summary>
public sealed class GarnetQueueServerFixture : QueueServerFixture
{
    private EmbeddedGarnetServer? _server;

    protected override void StartServer() => _server = EmbeddedGarnetServer.Start(new GarnetHostOptions
    {
        Port = Port,
        Password = Password,
        DataDirectory = DataDirectory,
    });

    protected override void StopServer() => _server?.Dispose();
}
