using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace RagApp.Tests.Gateway;

/// <summary>
/// The gateway as Program builds it (<c>AddServiceDefaults</c>, <c>AddGatewayServices</c>, <c>UseGateway</c>), in
/// process on real Kestrel (127.0.0.1, any free port), against a real Redis-protocol server and, when given, a real
/// RagApp.Rag index service. Real Kestrel rather than a test server: request-body data rates and request-line
/// limits are Kestrel's, and only a real socket shows them.
/// </summary>
internal sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _contentRoot;

    private GatewayHost(WebApplication app, string contentRoot, Uri address)
    {
        _app = app;
        _contentRoot = contentRoot;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<GatewayHost> StartAsync(
        string redisConnectionString,
        Uri? ragAddress = null,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<KestrelServerOptions>? configureKestrel = null,
        Action<ILoggingBuilder>? logging = null,
        Action<IServiceCollection>? services = null)
    {
        // An empty content root: no appsettings.json of the gateway sneaks in.
        var contentRoot = Directory.CreateTempSubdirectory("ragapp-gateway-host-").FullName;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = contentRoot, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redisConnectionString,
            // Service discovery resolves the gateway's "http://rag" here; nothing listens on port 9 when no index is given.
            ["services:rag:http:0"] = ragAddress?.ToString() ?? "http://127.0.0.1:9",
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);
            configureKestrel?.Invoke(kestrel);
        });
        builder.AddServiceDefaults();
        builder.AddGatewayServices();
        services?.Invoke(builder.Services);

        var app = builder.Build();
        app.UseGateway();
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
        return new GatewayHost(app, contentRoot, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        Directory.Delete(_contentRoot);
    }
}
