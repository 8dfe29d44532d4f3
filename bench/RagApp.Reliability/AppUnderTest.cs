using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace RagApp.Reliability;

/// <summary>
/// The application started the way a user starts it: <c>dotnet run --project RagApp.AppHost</c> (built beforehand,
/// so <c>--no-build</c>), in local mode with a fresh data directory, the gateway on its launch-profile address.
/// </summary>
internal sealed class AppUnderTest : IAsyncDisposable
{
    public static readonly Uri GatewayAddress = new("http://localhost:8080");

    private readonly Process appHost;
    private readonly string dataDirectory;
    private readonly StreamWriter log;

    private AppUnderTest(Process appHost, string dataDirectory, StreamWriter log, string redis)
    {
        this.appHost = appHost;
        this.dataDirectory = dataDirectory;
        this.log = log;
        Redis = redis;
        Gateway = new GatewayClient(new HttpClient { BaseAddress = GatewayAddress, Timeout = TimeSpan.FromSeconds(100) });
    }

    public GatewayClient Gateway { get; }

    /// <summary><c>Garnet</c> or <c>RedisServer</c>: the local Redis the AppHost was told to run.</summary>
    public string Redis { get; }

    public string LogPath { get; private init; } = "";

    /// <summary>The processes of this run (every process started under the AppHost).</summary>
    public ServiceProcesses Processes => new(appHost.Id);

    public static async Task<AppUnderTest> StartAsync(string repositoryRoot, string redis, IReadOnlyList<string> extraArguments, CancellationToken cancellationToken)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "ragapp-reliability", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["run", "--project", "RagApp.AppHost", "--no-build", "--no-launch-profile", "--",
                     "RagApp:InfrastructureMode=Local", $"RagApp:LocalRedis={redis}", $"RagApp:DataDirectory={dataDirectory}"])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var argument in extraArguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The launch profile's settings, without opening a browser.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["ASPNETCORE_URLS"] = "http://localhost:15080";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = "http://localhost:19080";
        start.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = "http://localhost:20080";
        start.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet run did not start");
        var logPath = Path.Combine(Path.GetTempPath(), "ragapp-reliability", $"apphost-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{redis}.log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { lock (log) { log.WriteLine(line.Data); } } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { lock (log) { log.WriteLine(line.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppUnderTest(process, dataDirectory, log, redis) { LogPath = logPath };
        try
        {
            await app.WaitUntilHealthyAsync(TimeSpan.FromMinutes(4), cancellationToken);
        }
        catch
        {
            // Never leave a half-started application holding the ports for the next run.
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>Waits for <c>GET /api/v1/health</c> to say healthy and for every service process to exist.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        string last = "no answer yet";
        while (deadline.Elapsed < bound)
        {
            if (appHost.HasExited)
            {
                throw new InvalidOperationException($"The AppHost exited with {appHost.ExitCode}; see {LogPath}");
            }

            try
            {
                using var response = await Gateway.Http.GetAsync("/api/v1/health", cancellationToken);
                last = await response.Content.ReadAsStringAsync(cancellationToken);
                using var body = JsonDocument.Parse(last);
                if (body.RootElement.GetProperty("status").GetString() == "healthy"
                    && ServiceProcesses.Services.Append(RedisProcessName).All(name => Processes.Find(name) is not null))
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException)
            {
                last = exception.Message;
            }

            await Task.Delay(250, cancellationToken);
        }

        throw new TimeoutException($"The application was not healthy within {bound}: {last} (AppHost log: {LogPath})");
    }

    /// <summary>The program name of this run's Redis server process.</summary>
    public string RedisProcessName => Redis == "RedisServer" ? ServiceProcesses.RedisServer : ServiceProcesses.Garnet;

    public async ValueTask DisposeAsync()
    {
        // Everything the AppHost started, noted before it stops (orphans lose their ancestry).
        var started = Processes.All();
        if (!appHost.HasExited)
        {
            // Ctrl+C, as a user stops it: the AppHost stops every resource.
            using (Process.Start("kill", ["-INT", appHost.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
            }

            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await appHost.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                appHost.Kill(entireProcessTree: true);
            }
        }

        // Whatever the AppHost left behind (it should leave nothing) must not disturb the next run.
        foreach (var pid in started)
        {
            ServiceProcesses.Kill(pid);
        }

        appHost.Dispose();
        Gateway.Http.Dispose();
        lock (log)
        {
            log.Dispose();
        }

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
