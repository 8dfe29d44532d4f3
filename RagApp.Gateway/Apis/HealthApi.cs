using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace RagApp.Gateway.Apis;

/// <summary><c>GET /api/v1/health</c>: the status of each dependency the gateway needs to serve requests.</summary>
public static class HealthApi
{
    /// <summary>Health checks with this tag are the gateway's dependencies and appear in the report.</summary>
    public const string DependencyTag = "dependency";

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/health", GetHealthAsync)
            .WithName("GetHealth")
            .WithTags("Health")
            .WithSummary("Reports whether the gateway and each of its dependencies (redis, rag, ingest workers) are healthy: 200 when healthy or degraded, 503 when unhealthy.")
            .Produces<HealthReportResponse>(StatusCodes.Status200OK)
            .Produces<HealthReportResponse>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> GetHealthAsync(HealthCheckService healthChecks, CancellationToken cancellationToken)
    {
        var report = await healthChecks.CheckHealthAsync(
            registration => registration.Tags.Contains(DependencyTag), cancellationToken);

        var response = HealthReportResponse.From(report);
        // Degraded still serves: uploads are accepted and kept while no worker takes them, and the body says so.
        return Results.Json(
            response,
            statusCode: report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK);
    }
}
