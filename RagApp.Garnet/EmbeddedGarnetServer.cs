using System.Globalization;
using System.Net;
using System.Numerics;
using Garnet;
using Garnet.server;
using Garnet.server.Auth.Settings;
using Microsoft.Extensions.Logging;
using Tsavorite.core;

namespace RagApp.Garnet;

/// <summary>
/// A Garnet server configured the way RagApp relies on it: password protected, durable (AOF plus
/// periodic checkpoints, recovered on start), atomic Lua scripts, and a disk storage tier so that
/// memory pressure never evicts queued work.
/// </summary>
public sealed class EmbeddedGarnetServer : IDisposable
{
    private const long MaxPageBytes = 16L * 1024 * 1024;
    private const long MinMemoryBytes = 16L * 1024 * 1024;

    private readonly GarnetServer _server;

    private EmbeddedGarnetServer(GarnetServer server, GarnetHostOptions options)
    {
        _server = server;
        Options = options;
    }

    public GarnetHostOptions Options { get; }

    public static EmbeddedGarnetServer Start(GarnetHostOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);

        var serverOptions = new GarnetServerOptions
        {
            EndPoints = [new IPEndPoint(IPAddress.Parse(options.BindAddress), options.Port)],
            AuthSettings = new PasswordAuthenticationSettings(options.Password),
            // Durability: every write goes to the AOF; checkpoints keep the replay short; recover on start.
            EnableAOF = true,
            CommitFrequencyMs = options.AofCommitIntervalMilliseconds,
            // An acknowledged write is on the AOF before the client hears of it (the queue's 202 promise).
            WaitForCommit = options.WaitForAofCommit,
            CheckpointFrequencySecs = options.CheckpointIntervalSeconds,
            Recover = true,
            CheckpointDir = Path.Combine(dataDirectory, "checkpoints"),
            // Records beyond LogMemorySize spill to disk instead of being evicted.
            EnableStorageTier = true,
            LogDir = Path.Combine(dataDirectory, "log"),
            LogMemorySize = options.MemorySize,
            PageSize = PageSizeFor(options.MemorySize),
            // The default native device crashes on Debian 12.
            DeviceType = DeviceType.RandomAccess,
            // The queue's Lua scripts must run atomically, as on Redis.
            EnableLua = true,
            LuaTransactionMode = true,
            LuaOptions = new LuaOptions(loggerFactory?.CreateLogger("Garnet.Lua")),
            QuietMode = true,
        };

        var server = new GarnetServer(serverOptions, loggerFactory);
        try
        {
            server.Start();
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return new EmbeddedGarnetServer(server, options);
    }

    public void Dispose()
    {
        // Garnet's own Dispose drops AOF entries not yet committed (up to the commit interval's worth, and more
        // behind a large value): commit them so that a clean stop keeps every acknowledged write.
        try
        {
            _server.Store.CommitAOFAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
        finally
        {
            _server.Dispose(deleteDir: false);
        }
    }

    /// <summary>
    /// Garnet's default 16 MB page needs a log memory of at least 4 pages (64 MB) or it refuses to start. Eight
    /// pages per memory size keeps small memory sizes usable. Page size does not limit value size: values over
    /// min(1 MB, page / 2) are kept outside the pages and count against the same memory budget.
    /// </summary>
    private static string PageSizeFor(string memorySize)
    {
        if (!ServerOptions.TryParseSize(memorySize, out var memoryBytes) || memoryBytes < MinMemoryBytes)
        {
            throw new ArgumentException($"MemorySize '{memorySize}' must be a size (e.g. 256m) of at least {MinMemoryBytes >> 20} MB.", nameof(memorySize));
        }

        var pageBytes = Math.Min(MaxPageBytes, (long)BitOperations.RoundUpToPowerOf2((ulong)(memoryBytes / 8) + 1) / 2);
        return pageBytes.ToString(CultureInfo.InvariantCulture);
    }
}
