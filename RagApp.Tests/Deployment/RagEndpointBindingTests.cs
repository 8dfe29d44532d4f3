using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RagApp.AppHost.Infrastructure;

namespace RagApp.Tests.Deployment;

/// <summary>
/// RagApp.Rag's endpoints (<see cref="DeploymentEndpoints"/>): localhost as appsettings.json names them unless a
/// deployment gives ports, then every interface, with gRPC on HTTP/2 and /health on HTTP/1.1.
/// </summary>
public sealed class RagEndpointBindingTests
{
    private const int Timeout = 60_000;

    [Fact]
    public void WithoutPorts_AsTheAppHostRunsIt_TheLocalhostEndpointsStay() =>
        Assert.Empty(DeploymentEndpoints.Overrides(Configuration(new() { ["Kestrel:Endpoints:http:Url"] = "http://localhost:41234" })));

    [Theory]
    [InlineData("http_ports", "8080;8081", "http://*:8080", "http://*:8081")]
    [InlineData("HTTP_PORTS", "8080", "http://*:8080", "http://*:5211")]
    [InlineData("urls", "http://+:9000;http://0.0.0.0:9001", "http://+:9000", "http://0.0.0.0:9001")]
    public void GivenPorts_MoveTheLoopbackEndpoints_GrpcFirstThenHealth(string key, string value, string grpc, string health)
    {
        var overrides = DeploymentEndpoints.Overrides(Configuration(new() { [key] = value }));

        Assert.Equal(grpc, overrides["Kestrel:Endpoints:http:Url"]);
        Assert.Equal(health, overrides["Kestrel:Endpoints:health:Url"]);
    }

    [Fact]
    public void EndpointsAPublishedManifestSets_AreKeptEvenWithTheImagesDefaultPort()
    {
        // As Aspire's published manifests set them, next to ASPNETCORE_HTTP_PORTS=8080 of the .NET container images.
        var overrides = DeploymentEndpoints.Overrides(Configuration(new()
        {
            ["http_ports"] = "8080",
            ["Kestrel:Endpoints:http:Url"] = "http://*:5210",
            ["Kestrel:Endpoints:health:Url"] = "http://[::]:5211",
        }));

        Assert.Empty(overrides);
    }

    [Fact(Timeout = Timeout)]
    public async Task GivenTwoPorts_TheServiceListensOnEveryInterface_GrpcOverHttp2_AndHealthOverHttp1()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (grpcPort, healthPort) = (FreeLocalPort.Next(), FreeLocalPort.Next());
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(Defaults());
        // As a container's environment gives it: ASPNETCORE_HTTP_PORTS arrives as "http_ports".
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["http_ports"] = $"{grpcPort};{healthPort}" });
        // What Program.cs does.
        builder.Configuration.AddInMemoryCollection(DeploymentEndpoints.Overrides(builder.Configuration));
        await using var app = builder.Build();
        app.MapGet("/health", () => "Healthy");
        await app.StartAsync(cancellationToken);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        // Both sides sorted: the ports are free ones, in no particular order.
        Assert.Equal(new[] { $"http://[::]:{grpcPort}", $"http://[::]:{healthPort}" }.Order(), addresses.Order());

        using var client = new HttpClient();
        using var http2 = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{grpcPort}/health")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        using var grpcAnswer = await client.SendAsync(http2, cancellationToken);
        Assert.Equal(HttpVersion.Version20, grpcAnswer.Version);
        using var health = await client.GetAsync($"http://127.0.0.1:{healthPort}/health", cancellationToken);
        Assert.Equal((HttpStatusCode.OK, HttpVersion.Version11), (health.StatusCode, health.Version));
        await app.StopAsync(cancellationToken);
    }

    /// <summary>RagApp.Rag's appsettings.json endpoints.</summary>
    private static Dictionary<string, string?> Defaults() => new()
    {
        ["Kestrel:Endpoints:http:Url"] = "http://localhost:5210",
        ["Kestrel:Endpoints:http:Protocols"] = "Http2",
        ["Kestrel:Endpoints:health:Url"] = "http://localhost:5211",
        ["Kestrel:Endpoints:health:Protocols"] = "Http1",
    };

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(Defaults()).AddInMemoryCollection(settings).Build();
}
