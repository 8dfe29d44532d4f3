namespace RagApp.Gateway.Apis;

/// <summary>The health of one dependency in <see cref="HealthReportResponse"/>.</summary>
public sealed record DependencyHealth(string Status, string? Description, double DurationMs);
