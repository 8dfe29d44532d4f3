using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RagApp.Gateway.Apis;

/// <summary>The body of <c>GET /api/v1/health</c>.</summary>
public sealed record HealthReportResponse(string Status, IReadOnlyDictionary<string, DependencyHealth> Dependencies)
{
    public static HealthReportResponse From(HealthReport report) => new(
        ToText(report.Status),
        report.Entries.ToDictionary(
            entry => entry.Key,
            entry => new DependencyHealth(
                ToText(entry.Value.Status),
                entry.Value.Description,
                Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                entry.Value.Data.Count > 0 ? entry.Value.Data : null)));

    private static string ToText(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}
