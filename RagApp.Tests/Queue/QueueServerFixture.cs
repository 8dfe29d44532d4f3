using StackExchange.Redis;

namespace RagApp.Tests.Queue;

/// <summary>A Redis protocol server for the queue tests, on a free loopback port, with a password and its own data.</summary>
public abstract class QueueServerFixture : IAsyncLifetime
{
    private ConnectionMultiplexer? _redis;

    protected QueueServerFixture()
    {
        Password = Convert.ToHexString(Guid.NewGuid().ToByteArray());
        DataDirectory = Directory.CreateTempSubdirectory("ragapp-queue-").FullName;
    }

    /// <summary>Why the tests cannot run here; null when the server is available.</summary>
    public virtual string? SkipReason => null;

    public IConnectionMultiplexer Redis => _redis ?? throw new InvalidOperationException(SkipReason ?? "The server did not start.");

    public int Port { get; private set; } = RagApp.AppHost.Infrastructure.FreeLocalPort.Next();

    protected string Password { get; }

    /// <summary>A StackExchange.Redis connection string for this server, as a service gets it from Aspire.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    /// <summary>
    /// <see cref="ConnectionString"/> with the timeouts of the fixture's own connection, for services hosted by tests that
    /// are not about Redis failures: on a busy 2-core machine the server can stall past the 5 s default.
    /// </summary>
    public string PatientConnectionString => $"{ConnectionString},asyncTimeout=60000,syncTimeout=60000,connectTimeout=15000";

    protected string DataDirectory { get; }

    public async ValueTask InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        StartServer();
        var configuration = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", Port } },
            Password = Password,
            AbortOnConnectFail = true,
            // 25 MB payloads and a storage tier under pressure take longer than the 5 s default on a busy 2-core box.
            AsyncTimeout = 60_000,
            SyncTimeout = 60_000,
            // The end-to-end fixtures start two whole applications at the same time as these tests; on 2 cores a
            // connection can take longer than the 5 s default then.
            ConnectTimeout = 15_000,
        };
        var startedWaiting = DateTime.UtcNow;
        while (_redis is null)
        {
            if (HasExited)
            {
                // Most likely the port was taken between choosing it and binding it: try another one.
                StopServer();
                Port = RagApp.AppHost.Infrastructure.FreeLocalPort.Next();
                configuration.EndPoints.Clear();
                configuration.EndPoints.Add("127.0.0.1", Port);
                StartServer();
            }

            try
            {
                _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
            }
            catch (RedisConnectionException) when (DateTime.UtcNow - startedWaiting < TimeSpan.FromSeconds(90))
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        StopServer();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing its last file is not the test's concern; the temp folder goes eventually.
        }

        GC.SuppressFinalize(this);
    }

    protected abstract void StartServer();

    /// <summary>True when the server has stopped on its own (a child process that exited).</summary>
    protected virtual bool HasExited => false;

    protected abstract void StopServer();
}
