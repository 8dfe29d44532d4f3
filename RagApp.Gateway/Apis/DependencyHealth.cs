namespace RagApp.Gateway.Apis;

/// <summary>The health of one dependency in <see cref="HealthReportResponse"/>, with the figures its check reported.</summary>
public sealed record DependencyHealth(string Status, string? Description, double DurationMs, IReadOnlyDictionary<string, object>? Data = null);
