using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Grpc.Net.Client;
using RagApp.Core.Grpc.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using RagApp.AppHost.Infrastructure;

namespace RagApp.Tests.EndToEnd;

/// <summary>
/// Starts the whole AppHost once per test collection, in local mode, with its state in a fresh
/// temporary directory and a known Redis password.
/// </summary>
public abstract class RagAppFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(4);

    public static readonly string[] Resources = ["redis", "rag", "ingest-worker", "gateway"];

    /// <summary>The ingest queue's byte budget in these tests (Ingest:Queue:MaxQueuedBytes of the gateway).</summary>
    public const long QueueBudgetBytes = 40L * 1024 * 1024;

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "ragapp-tests", Guid.NewGuid().ToString("N"));

    protected RagAppFixture(LocalRedisKind redis) => Redis = redis;

    public LocalRedisKind Redis { get; }

    public string RedisPassword { get; } = "test" + Guid.NewGuid().ToString("N");

    /// <summary>More AppHost settings (as command-line arguments) of one fixture's application.</summary>
    protected virtual IEnumerable<string> AppHostArguments => [];

    /// <summary>Why this fixture could not start its application on this machine; null when it runs.</summary>
    public virtual string? SkipReason => null;

    public DistributedApplication App => _app ?? throw new InvalidOperationException(SkipReason ?? "The application has not started.");

    private DistributedApplication? _app;

    public async ValueTask InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.RagApp_AppHost>(
            [
                "RagApp:InfrastructureMode=Local",
                $"RagApp:LocalRedis={Redis}",
                "RagApp:LocalVectorStore=Embedded",
                $"RagApp:DataDirectory={_dataDirectory}",
                $"Parameters:redis-password={RedisPassword}",
                // The tests poll job statuses and ask many questions from one address: far past the default 100 a minute.
                "Parameters:rate-limit-per-minute=1000000",
                .. AppHostArguments,
            ],
            timeout.Token);
        // Tests run without the dashboard, so nothing receives telemetry: without this, every service would
        // retry its OTLP exports on shutdown and outlive the orchestrator's stop timeout.
        foreach (var project in builder.Resources.OfType<ProjectResource>())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context =>
            {
                context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");
                context.EnvironmentVariables.Remove("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY");
            });
        }

        // Short leases and retry delays, so that crash and retry tests finish in seconds, not minutes.
        var worker = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "ingest-worker");
        builder.CreateResourceBuilder(worker)
            .WithEnvironment("Ingest__Queue__LeaseDuration", "00:00:08")
            .WithEnvironment("Ingest__Queue__InitialRetryDelay", "00:00:01")
            .WithEnvironment("Ingest__Queue__MaxRetryDelay", "00:00:04");

        // A byte budget small enough for one test to fill it with two large uploads.
        var gateway = builder.Resources.OfType<ProjectResource>().Single(resource => resource.Name == "gateway");
        builder.CreateResourceBuilder(gateway).WithEnvironment("Ingest__Queue__MaxQueuedBytes", QueueBudgetBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // Category filters, not a minimum level: the AppHost's appsettings.json rules would override that.
        // Resource logs are in e2e-logs/ (ResourceLogRecorder); the test output keeps to what matters.
        builder.Services.AddLogging(logging => logging
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("Aspire.Hosting.Dcp", LogLevel.Error)
            // Each resource's whole console log is in its e2e-logs file; in a failed test's output, its warnings and
            // errors are what helps, and hundreds of start-up lines would push the failure itself out of view.
            .AddFilter("RagApp.AppHost.Resources", LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None)
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning));

        _app = await builder.BuildAsync(timeout.Token);
        await _app.StartAsync(timeout.Token);
        _logs = new ResourceLogRecorder(_app, GetType().Name, Resources);
        foreach (var resource in Resources)
        {
            try
            {
                await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"{resource} was not healthy within {StartTimeout.TotalMinutes:F0} minutes of starting the application.");
            }
        }
    }

    public HttpClient CreateGatewayClient() => App.CreateHttpClient("gateway", "http");

    public GatewayApi CreateGatewayApi() => new(CreateGatewayClient());

    /// <summary>A real gRPC client of RagApp.Rag's index service, for looking inside the index.</summary>
    public IndexService.IndexServiceClient CreateIndexClient()
    {
        _channel ??= GrpcChannel.ForAddress(App.GetEndpoint("rag", "http"));
        return new IndexService.IndexServiceClient(_channel);
    }

    /// <summary>A real gRPC client of RagApp.Rag's query service.</summary>
    public RagService.RagServiceClient CreateRagClient()
    {
        _channel ??= GrpcChannel.ForAddress(App.GetEndpoint("rag", "http"));
        return new RagService.RagServiceClient(_channel);
    }

    private GrpcChannel? _channel;

    private ResourceLogRecorder? _logs;

    public Uri RedisEndpoint => App.GetEndpoint("redis", "tcp");

    public Task<ExecuteCommandResult> ExecuteCommandAsync(string resource, string command, CancellationToken cancellationToken) =>
        App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command, cancellationToken);

    /// <summary>The bound on waiting for a resource to stop, or to start and report healthy (a failure, never a speed goal).</summary>
    public static readonly TimeSpan ResourcePatience = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Stops a resource and waits until it has stopped. The stop command returns as soon as the orchestrator took the
    /// request; starting again before the resource is down fails ("resource is being deleted").
    /// </summary>
    public async Task StopResourceAsync(string resource, CancellationToken cancellationToken)
    {
        var stop = await ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, cancellationToken);
        Assert.True(stop.Success, $"stopping {resource}: {stop.Message}");
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(ResourcePatience);
        try
        {
            await App.ResourceNotifications.WaitForResourceAsync(resource, KnownResourceStates.TerminalStates, patience.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{resource} did not stop within {ResourcePatience.TotalSeconds:F0} s (state: {StateOf(resource)}).");
        }
    }

    /// <summary>
    /// Starts a stopped resource and waits until it is running and healthy. A start that the orchestrator refuses while
    /// it is still tearing the last run down is tried again, within the same bound.
    /// </summary>
    public async Task StartResourceAsync(string resource, CancellationToken cancellationToken)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(ResourcePatience);
        try
        {
            while (true)
            {
                var start = await ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, patience.Token);
                if (start.Success)
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), patience.Token);
            }

            await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, patience.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{resource} did not start and report healthy within {ResourcePatience.TotalSeconds:F0} s (state: {StateOf(resource)}).");
        }
    }

    /// <summary>Waits (bounded) until every resource of the application is running and healthy again.</summary>
    public async Task WaitUntilHealthyAsync(CancellationToken cancellationToken)
    {
        foreach (var resource in Resources)
        {
            using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            patience.CancelAfter(ResourcePatience);
            try
            {
                await App.ResourceNotifications.WaitForResourceHealthyAsync(resource, patience.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{resource} is not healthy after {ResourcePatience.TotalSeconds:F0} s (state: {StateOf(resource)}).");
            }
        }
    }

    private string StateOf(string resource) =>
        App.ResourceNotifications.TryGetCurrentState(resource, out var state)
            ? $"{state.Snapshot.State?.Text ?? "none"}, health {state.Snapshot.HealthStatus?.ToString() ?? "unknown"}"
            : "unknown";

    public async ValueTask DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            if (_logs is not null)
            {
                await _logs.DisposeAsync();
            }

            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A process may still be flushing; the OS temp cleaner gets it later.
        }

        GC.SuppressFinalize(this);
    }
}
