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
using RagApp.Rag.Index;
using RagApp.Rag.Index.Embedded;

namespace RagApp.Tests.Index;

/// <summary>
/// RagApp.Rag's index service hosted for real: Kestrel on 127.0.0.1 (any free port, HTTP/2), the production
/// registration (<c>AddVectorIndex</c>) over a data directory, and a gRPC client over a real channel. With queries,
/// also the query side as production registers it (<c>AddQueries</c>: the local MiniLM model and the extractive answerer) and its service.
/// </summary>
internal sealed class IndexServiceHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GrpcChannel _channel;
    private readonly string _contentRoot;

    private IndexServiceHost(WebApplication app, Uri address, string contentRoot)
    {
        _app = app;
        Address = address;
        _channel = GrpcChannel.ForAddress(address);
        _contentRoot = contentRoot;
        Client = new IndexService.IndexServiceClient(_channel);
        Rag = new RagService.RagServiceClient(_channel);
    }

    /// <summary>Where the service listens, for another service (the gateway) to call it.</summary>
    public Uri Address { get; }

    public IndexService.IndexServiceClient Client { get; }

    /// <summary>The query service; answers only on a host started with queries.</summary>
    public RagService.RagServiceClient Rag { get; }

    public IServiceProvider Services => _app.Services;

    public IVectorStore Store => _app.Services.GetRequiredService<IVectorStore>();

    public EmbeddedVectorStore EmbeddedStore => _app.Services.GetRequiredService<EmbeddedVectorStore>();

    public static async Task<IndexServiceHost> StartAsync(
        string dataDirectory,
        IReadOnlyDictionary<string, string?>? settings = null,
        bool withQueries = false,
        Action<IServiceCollection>? configureServices = null)
    {
        // An empty content root: no appsettings.json of RagApp.Rag (with its fixed ports) sneaks in.
        var contentRoot = Directory.CreateTempSubdirectory("ragapp-index-host-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["VectorStore:Provider"] = "Embedded",
            ["VectorStore:DataDirectory"] = dataDirectory,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.AddVectorIndex();
        if (withQueries)
        {
            builder.AddQueries();
        }

        // Last, so that a test's registration replaces the production one.
        configureServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapGrpcService<IndexGrpcService>();
        if (withQueries)
        {
            app.MapGrpcService<RagGrpcService>();
        }
        try
        {
            await app.StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(contentRoot);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new IndexServiceHost(app, new Uri(address), contentRoot);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Directory.Delete(_contentRoot);
    }
}
