using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using RagApp.Gateway.Apis;
using RagApp.Gateway.Documents;
using RagApp.Gateway.Queries;

namespace RagApp.Gateway.OpenApi;

/// <summary>
/// The rules <see cref="QueryRequestReader"/> applies, in the query request's schema: its members are nullable in .NET
/// (so that a missing one is named rather than defaulted), which the schema generator reads as "all required, all
/// nullable"; only <c>question</c> is required, and unknown properties are refused.
/// </summary>
internal sealed class QuerySchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = context.JsonTypeInfo.Type;
        if (type == typeof(QueryRequest))
        {
            schema.Required = new HashSet<string> { "question" };
            schema.AdditionalProperties = null;
            schema.AdditionalPropertiesAllowed = false;
            schema.Description = "A question; only 'question' is required. Unknown properties answer 400.";
            Describe(schema, "question", property =>
            {
                property.Type = JsonSchemaType.String;
                property.MinLength = QueryRequestReader.MinQuestionLength;
                property.Description = $"{QueryRequestReader.MinQuestionLength} to {QueryRequestReader.MaxQuestionLength} characters after trimming white space.";
            });
            Describe(schema, "session_id", property =>
            {
                property.Format = "uuid";
                property.Description = "A UUID naming the conversation the question belongs to; omit it for a one-off question.";
            });
            Describe(schema, "max_results", property =>
            {
                property.Minimum = "1";
                property.Maximum = QueryRequestReader.MaxResults.ToString(System.Globalization.CultureInfo.InvariantCulture);
                property.Default = JsonValue.Create(QueryRequestReader.DefaultMaxResults);
                property.Description = $"How many sources to retrieve and answer from: 1 to {QueryRequestReader.MaxResults}, default {QueryRequestReader.DefaultMaxResults}.";
            });
        }
        else if (type == typeof(QueryFilter))
        {
            schema.Required = new HashSet<string>();
            schema.AdditionalProperties = null;
            schema.AdditionalPropertiesAllowed = false;
            schema.Description = "Every condition given must hold; unknown properties answer 400.";
            Describe(schema, "document_ids", property =>
            {
                property.MaxItems = QueryRequestReader.MaxFilterEntries;
                property.Description = "The source's document must be one of these.";
                if (property.Items is OpenApiSchema items)
                {
                    items.Type = JsonSchemaType.String;
                    items.Pattern = DocumentIds.Pattern;
                }
            });
            Describe(schema, "metadata", property =>
            {
                property.MaxProperties = QueryRequestReader.MaxFilterEntries;
                property.AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean };
                property.Description = "The source's document must carry each key with this value (numbers and booleans compare as their JSON text).";
            });
        }

        return Task.CompletedTask;
    }

    private static void Describe(OpenApiSchema schema, string name, Action<OpenApiSchema> describe)
    {
        if (schema.Properties is not null && schema.Properties.TryGetValue(name, out var found) && found is OpenApiSchema property)
        {
            describe(property);
        }
    }
}
