using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Grpc;

namespace RagApp.Tests.Gateway;

/// <summary>
/// RagApp.Rag's index service (embedded store in a temporary directory) on a real loopback port, for the gateway's
/// document endpoints to call; <see cref="Client"/> puts documents in it directly.
/// </summary>
internal sealed class RagIndexHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private readonly string _root;

    private RagIndexHost(WebApplication app, Uri address, string root)
    {
        _app = app;
        _root = root;
        Address = address;
        _channel = GrpcChannel.ForAddress(address);
        Client = new IndexService.IndexServiceClient(_channel);
    }

    public Uri Address { get; }

    public IndexService.IndexServiceClient Client { get; }

    public static async Task<RagIndexHost> StartAsync()
    {
        var root = Directory.CreateTempSubdirectory("ragapp-gateway-index-").FullName;
        var contentRoot = Directory.CreateDirectory(Path.Combine(root, "content")).FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VectorStore:Provider"] = "Embedded",
            ["VectorStore:DataDirectory"] = Path.Combine(root, "data"),
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.AddVectorIndex();

        var app = builder.Build();
        app.MapGrpcService<IndexGrpcService>();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RagIndexHost(app, new Uri(address), root);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A snapshot still being written is not the test's concern; the temp folder goes eventually.
        }
    }
}
