using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using RagApp.Gateway.Apis;
using RagApp.Gateway.Queries;

namespace RagApp.Gateway.OpenApi;

/// <summary>
/// Describes the query endpoints, whose body <see cref="QueryRequestReader"/> reads by hand (so that a wrong content
/// type gets a problem naming the field rather than routing's bare 415), so endpoint metadata cannot describe it: the
/// JSON request with its bounds, and for the stream the events it sends (name and data of each).
/// </summary>
internal sealed class QueryOperationTransformer(IOptions<QueryOptions> options) : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId is not (QueryApi.QueryOperation or QueryApi.StreamOperation) || context.Document is not { } document)
        {
            return;
        }

        var limits = options.Value;
        var filter = await EnsureComponentAsync(document, context, typeof(QueryFilter), cancellationToken);
        var request = await EnsureComponentAsync(document, context, typeof(QueryRequest), cancellationToken, schema =>
        {
            // The generator inlines the filter; one named schema serves clients generating code from the document.
            if (schema.Properties?.ContainsKey("filter") == true)
            {
                schema.Properties["filter"] = filter;
            }
        });
        operation.Description =
            $"The question must be {QueryRequestReader.MinQuestionLength} to {QueryRequestReader.MaxQuestionLength} characters after trimming white space; " +
            $"the request body at most {limits.MaxRequestBytes} bytes (larger answers 413). A question may take {limits.Timeout.TotalSeconds:0.###} s " +
            "(Gateway:Query:Timeout); past it the answer is 504.";
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = request } },
        };

        if (operation.OperationId != QueryApi.StreamOperation)
        {
            return;
        }

        List<IOpenApiSchema> events = [];
        foreach (var type in new[] { typeof(QueryStreamSources), typeof(QueryStreamDelta), typeof(QueryStreamCompleted) })
        {
            events.Add(await EnsureComponentAsync(document, context, type, cancellationToken));
        }

        events.Add(new OpenApiSchemaReference("ProblemDetails", document));
        operation.Description +=
            " Events, in order: one 'sources' (data: QueryStreamSources), one or more 'delta' (data: QueryStreamDelta; their texts " +
            "concatenated are the answer), then 'completed' (data: QueryStreamCompleted). A failure after the stream has started ends it " +
            "with an 'error' event instead of 'completed' (data: ProblemDetails, with the status the request would have answered). " +
            "A client that disconnects cancels the question.";
        if (operation.Responses?.GetValueOrDefault("200") is OpenApiResponse ok)
        {
            ok.Description = "Server-sent events: sources, delta…, completed (or error).";
            ok.Content = new Dictionary<string, OpenApiMediaType>
            {
                ["text/event-stream"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        Description = "The data of each event, by event name: sources → QueryStreamSources, delta → QueryStreamDelta, completed → QueryStreamCompleted, error → ProblemDetails.",
                        OneOf = events,
                    },
                },
            };
        }
    }

    private static async Task<IOpenApiSchema> EnsureComponentAsync(
        OpenApiDocument document, OpenApiOperationTransformerContext context, Type type, CancellationToken cancellationToken,
        Action<OpenApiSchema>? complete = null)
    {
        if (document.Components?.Schemas?.ContainsKey(type.Name) != true)
        {
            var schema = await context.GetOrCreateSchemaAsync(type, cancellationToken: cancellationToken);
            complete?.Invoke(schema);
            document.AddComponent(type.Name, schema);
        }

        return new OpenApiSchemaReference(type.Name, document);
    }
}
