using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using RagApp.Core.Queue;
using RagApp.Gateway.Apis;

namespace RagApp.Gateway.OpenApi;

/// <summary>
/// Lists the values of the string-typed status fields (the API writes enums as lower-case words, so the schema
/// generator sees plain strings), and marks the fields every problem answer carries as required.
/// </summary>
internal sealed class StatusValuesSchemaTransformer : IOpenApiSchemaTransformer
{
    private static readonly string[] JobStatuses = [.. Enum.GetNames<JobState>().Select(name => name.ToLowerInvariant())];
    private static readonly string[] JobKinds = [.. Enum.GetNames<JobKind>().Select(name => name.ToLowerInvariant())];
    private static readonly string[] HealthStatuses = ["healthy", "degraded", "unhealthy"];

    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(JobStatusResponse))
        {
            SetValues(schema, "status", JobStatuses);
            SetValues(schema, "kind", JobKinds);
        }
        else if (type == typeof(HealthReportResponse) || type == typeof(DependencyHealth))
        {
            SetValues(schema, "status", HealthStatuses);
        }
        else if (type == typeof(Microsoft.AspNetCore.Mvc.ProblemDetails) || type == typeof(HttpValidationProblemDetails))
        {
            schema.Required ??= new HashSet<string>();
            schema.Required.Add("title");
            schema.Required.Add("status");
        }

        return Task.CompletedTask;
    }

    private static void SetValues(OpenApiSchema schema, string property, string[] values)
    {
        if (schema.Properties is not null && schema.Properties.TryGetValue(property, out var value) && value is OpenApiSchema field)
        {
            field.Enum = [.. values.Select(text => (JsonNode)JsonValue.Create(text))];
        }
    }
}
