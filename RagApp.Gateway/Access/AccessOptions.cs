namespace RagApp.Gateway.Access;

/// <summary>Who may call the API, from the "Gateway:Access" configuration section.</summary>
public sealed class AccessOptions
{
    public const string SectionName = "Gateway:Access";

    /// <summary>
    /// The API keys, comma-separated (the AppHost's secret parameter <c>api-keys</c>): more than one so that a key can be
    /// rotated without downtime. Empty: the API is open (the AppHost allows that only in run mode).
    /// </summary>
    public string? ApiKeys { get; set; }
}
