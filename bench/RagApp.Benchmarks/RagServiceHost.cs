using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using RagApp.Core.Grpc.V1;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RagApp.Rag.Grpc;

namespace RagApp.Benchmarks;

/// <summary>
/// RagApp.Rag in this process, registered as production registers it (embedded index over a data directory, the local
/// MiniLM model for questions), on a loopback port over real gRPC: the benchmark measures what Query returns.
/// </summary>
internal sealed class RagServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private readonly string _contentRoot;

    private RagServiceHost(WebApplication app, Uri address, string contentRoot)
    {
        _app = app;
        _contentRoot = contentRoot;
        _channel = GrpcChannel.ForAddress(address);
        Index = new IndexService.IndexServiceClient(_channel);
        Rag = new RagService.RagServiceClient(_channel);
    }

    public IndexService.IndexServiceClient Index { get; }

    public RagService.RagServiceClient Rag { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<RagServiceHost> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string?> settings)
    {
        // An empty content root: RagApp.Rag's appsettings.json (fixed ports) stays out.
        var contentRoot = Directory.CreateTempSubdirectory("ragapp-bench-rag-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot, EnvironmentName = "Benchmark" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VectorStore:Provider"] = "Embedded",
            ["VectorStore:DataDirectory"] = dataDirectory,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 64 * 1024 * 1024);
        builder.AddVectorIndex();
        builder.AddQueries();
        var app = builder.Build();
        app.MapGrpcService<IndexGrpcService>();
        app.MapGrpcService<RagGrpcService>();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new RagServiceHost(app, new Uri(address), contentRoot);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_contentRoot, recursive: true);
    }
}
