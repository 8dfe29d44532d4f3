using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace RagApp.Gateway.OpenApi;

/// <summary>
/// Adds the errors any endpoint can answer, whatever its own metadata says: 414 for an over-long URL (see
/// <see cref="Errors.RequestTargetLimitMiddleware"/>), and the <c>Retry-After</c> header on every 503.
/// </summary>
internal sealed class CommonProblemsOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Document is not { } document)
        {
            return Task.CompletedTask;
        }

        operation.Responses ??= [];
        operation.Responses.TryAdd("414", new OpenApiResponse
        {
            Description = "URI Too Long",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
            },
        });

        if (operation.Responses.GetValueOrDefault("503") is OpenApiResponse unavailable)
        {
            unavailable.Headers ??= new Dictionary<string, IOpenApiHeader>();
            unavailable.Headers["Retry-After"] = new OpenApiHeader
            {
                Description = "Seconds to wait before retrying.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.Integer },
            };
        }

        return Task.CompletedTask;
    }
}
