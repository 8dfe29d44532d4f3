using RagApp.AppHost.Infrastructure;

namespace RagApp.Tests.EndToEnd;

/// <summary>
/// The application on embedded Garnet, of its own, for tests that kill its services: a restart's backoff is short, so
/// that a wrong restart after a requested stop would show at once.
/// </summary>
public sealed class SupervisedAppFixture() : RagAppFixture(LocalRedisKind.Garnet)
{
    public static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(100);

    protected override IEnumerable<string> AppHostArguments =>
    [
        $"RagApp:Supervision:InitialBackoff={InitialBackoff}",
        "RagApp:Supervision:MaxBackoff=00:00:02",
    ];
}
