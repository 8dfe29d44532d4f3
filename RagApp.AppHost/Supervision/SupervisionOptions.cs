namespace RagApp.AppHost.Supervision;

/// <summary>
/// How the AppHost brings back a service that ended without being asked to (section "RagApp:Supervision",
/// docs/configuration.md).
/// </summary>
public sealed class SupervisionOptions
{
    public const string SectionName = "RagApp:Supervision";

    /// <summary>Whether crashed services are started again at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The wait before the first restart after a crash; each further crash in a row doubles it.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between restarts of a service that keeps crashing.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a service must run before a crash counts as the first in a row again.</summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromMinutes(1);
}
