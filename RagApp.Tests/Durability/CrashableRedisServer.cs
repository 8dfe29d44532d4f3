using System.Diagnostics;
using System.Globalization;
using RagApp.AppHost.Infrastructure;
using StackExchange.Redis;

namespace RagApp.Tests.Durability;

/// <summary>
/// A Redis protocol server run the way the AppHost runs it locally (the RagApp.Garnet program with its default
/// settings, or redis-server with the AppHost's configuration file) as a child process that a test can kill -9 and
/// start again on the same data.
/// </summary>
public sealed class CrashableRedisServer : IAsyncDisposable
{
    private static readonly string? RedisServerPath = ExecutableLocator.Find("redis-server");

    private readonly bool _garnet;
    private readonly string _password = Convert.ToHexString(Guid.NewGuid().ToByteArray());
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("ragapp-crash-").FullName;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private Process? _process;

    private CrashableRedisServer(bool garnet, IReadOnlyDictionary<string, string> settings)
    {
        _garnet = garnet;
        _settings = settings;
    }

    public static string? RedisServerSkipReason => RedisServerPath is null
        ? "redis-server is not on PATH (apt-get install -y redis-server; .ci/run installs it)"
        : null;

    /// <summary>The embedded Garnet program; <paramref name="settings"/> are Garnet:* overrides (none: the product's defaults).</summary>
    public static CrashableRedisServer Garnet(IReadOnlyDictionary<string, string>? settings = null) => new(true, settings ?? new Dictionary<string, string>());

    /// <summary>redis-server with the configuration the AppHost writes for it.</summary>
    public static CrashableRedisServer RedisServer(bool durableAcknowledgements = true) =>
        new(false, new Dictionary<string, string> { ["durable"] = durableAcknowledgements ? "true" : "false" });

    public int Port { get; private set; }

    /// <summary>Starts the server (on a fresh free port) and connects to it.</summary>
    public async Task<ConnectionMultiplexer> StartAsync(CancellationToken cancellationToken)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(90));
        while (true)
        {
            Port = FreeLocalPort.Next();
            _process = _garnet ? StartGarnet() : StartRedisServer();
            while (!_process.HasExited)
            {
                try
                {
                    return await ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
                    {
                        EndPoints = { { "127.0.0.1", Port } },
                        Password = _password,
                        AbortOnConnectFail = true,
                        ConnectTimeout = 5_000,
                        AsyncTimeout = 30_000,
                        SyncTimeout = 30_000,
                    });
                }
                catch (RedisConnectionException)
                {
                    // Still starting (Garnet replays its AOF first): poll again until the bound.
                    await Task.Delay(100, patience.Token);
                }
            }

            // Most likely the port was taken between choosing and binding it: try another one, within the bound.
            patience.Token.ThrowIfCancellationRequested();
        }
    }

    /// <summary>kill -9: no shutdown code runs, nothing is flushed.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(TimeSpan.FromSeconds(30));
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp folder's own clean-up.
        }

        return ValueTask.CompletedTask;
    }

    private Process StartGarnet()
    {
        var startInfo = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        startInfo.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RagApp.Garnet.dll"));
        startInfo.Environment["Garnet__Port"] = Port.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["Garnet__Password"] = _password;
        startInfo.Environment["Garnet__DataDirectory"] = _dataDirectory;
        foreach (var (key, value) in _settings)
        {
            startInfo.Environment[$"Garnet__{key}"] = value;
        }

        return Start(startInfo);
    }

    private Process StartRedisServer()
    {
        var configPath = Path.Combine(_dataDirectory, "redis.conf");
        File.WriteAllLines(configPath, RedisServerConfiguration.Lines(_dataDirectory, _password, _settings["durable"] == "true"));
        var startInfo = new ProcessStartInfo(RedisServerPath ?? throw new InvalidOperationException(RedisServerSkipReason))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add(configPath);
        startInfo.ArgumentList.Add("--port");
        startInfo.ArgumentList.Add(Port.ToString(CultureInfo.InvariantCulture));
        return Start(startInfo);
    }

    private static Process Start(ProcessStartInfo startInfo)
    {
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{startInfo.FileName} did not start.");
        // Drain its output so a full pipe never blocks it.
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
