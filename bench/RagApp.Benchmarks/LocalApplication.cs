using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RagApp.Benchmarks;

/// <summary>The application in local mode with the embedded index and a fresh data directory, set up for measuring.</summary>
internal static class LocalApplication
{
    public static async Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(string dataDirectory, params string[] settings)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagApp_AppHost>(
            ["RagApp:InfrastructureMode=Local", "RagApp:LocalVectorStore=Embedded", $"RagApp:DataDirectory={dataDirectory}",
                // One client sends thousands of requests a minute: the limiter stays in the path, above the load.
                "Parameters:rate-limit-per-minute=1000000000", .. settings]);
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            // No dashboard collects telemetry here, so the services collect none (OpenTelemetry's own switch): spans
            // for every Redis command and call would be made only to be dropped. "*/OTEL_SDK_DISABLED=false" measures
            // with them (docs/benchmarks.md has both).
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
                context.EnvironmentVariables["OTEL_SDK_DISABLED"] = "true";
            });
        }

        builder.Services.AddLogging(logging => logging
            .AddFilter("Aspire", LogLevel.Warning)
            .AddFilter("RagApp.AppHost.Resources", LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning)
            // The host's probes time out while a loaded machine starts the services; it waits for them to pass anyway.
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical));
        return builder;
    }

    /// <summary>
    /// Takes the local orchestrator's proxy out from in front of the named services' "http" endpoints: callers (the
    /// benchmark, and the services through service discovery) reach each service's own port, as they do in a
    /// deployment, where no such proxy runs. The proxy copies every byte of every request through one more process.
    /// Each gets a free port rather than its launch profile's (the gateway's 8080), which an application already
    /// running here may hold.
    /// </summary>
    public static void WithoutProxies(IDistributedApplicationTestingBuilder builder, params string[] services)
    {
        foreach (var resource in builder.Resources.OfType<ProjectResource>().Where(resource => services.Contains(resource.Name)))
        {
            builder.CreateResourceBuilder(resource).WithEndpoint("http", endpoint =>
            {
                // Without a proxy the port clients use is the one the service listens on.
                endpoint.IsProxied = false;
                endpoint.Port = endpoint.TargetPort = FreePort();
            });
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
