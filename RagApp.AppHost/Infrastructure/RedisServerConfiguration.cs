using System.Globalization;

namespace RagApp.AppHost.Infrastructure;

/// <summary>The configuration a local <c>redis-server</c> runs with (written to its data directory before each start).</summary>
public static class RedisServerConfiguration
{
    public static IReadOnlyList<string> Lines(string directory, string password, bool durableAcknowledgements) =>
    [
        "bind 127.0.0.1 -::1",
        "protected-mode yes",
        $"dir {directory}",
        // AOF plus a periodic snapshot: a restarted server keeps queued jobs and their status.
        "appendonly yes",
        // "always" writes and fsyncs the AOF before the replies of the commands it holds go out, so a write the
        // gateway acknowledged (202) survives a crash of the server; "everysec" may lose the last second of them.
        durableAcknowledgements ? "appendfsync always" : "appendfsync everysec",
        "save 60 1",
        // Queued work must never be evicted under memory pressure.
        "maxmemory-policy noeviction",
        string.Create(CultureInfo.InvariantCulture, $"requirepass {password}"),
    ];
}
