using RagApp.AppHost.Infrastructure;

namespace RagApp.Tests.EndToEnd;

/// <summary>The application with Debian's redis-server as "redis"; skipped, visibly, where it is not installed.</summary>
public sealed class RedisServerAppFixture() : RagAppFixture(LocalRedisKind.RedisServer)
{
    public override string? SkipReason => ExecutableLocator.Find("redis-server") is null
        ? "redis-server is not on PATH (apt-get install -y redis-server; .ci/run installs it)"
        : null;
}
