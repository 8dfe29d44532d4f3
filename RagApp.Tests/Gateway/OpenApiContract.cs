using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace RagApp.Tests.Gateway;

/// <summary>
/// The gateway's published OpenAPI document (/openapi/v1.json), used to check real answers against it: the status
/// must be documented for the operation, the content type documented for that status, and the JSON body valid against
/// the documented schema (JSON Schema 2020-12, which OpenAPI 3.1 schemas are).
/// </summary>
internal sealed class OpenApiContract
{
    private const string ComponentsPrefix = "#/components/schemas/";
    private readonly JsonObject _document;

    private OpenApiContract(JsonObject document) => _document = document;

    public JsonObject Document => _document;

    public static async Task<OpenApiContract> LoadAsync(HttpClient client, CancellationToken cancellationToken)
    {
        var text = await client.GetStringAsync("/openapi/v1.json", cancellationToken);
        return new OpenApiContract(JsonNode.Parse(text)!.AsObject());
    }

    public JsonObject Operation(string method, string pathTemplate) =>
        _document["paths"]?[pathTemplate]?[method.ToLowerInvariant()]?.AsObject()
        ?? throw new Xunit.Sdk.XunitException($"The OpenAPI document has no operation {method} {pathTemplate}.");

    public JsonObject Schema(string name) =>
        _document["components"]?["schemas"]?[name]?.AsObject()
        ?? throw new Xunit.Sdk.XunitException($"The OpenAPI document has no schema '{name}'.");

    /// <summary>Fails unless the response's status, content type and JSON body are what the document says for the operation.</summary>
    public async Task AssertDocumentedAsync(HttpResponseMessage response, string method, string pathTemplate, CancellationToken cancellationToken)
    {
        var operation = Operation(method, pathTemplate);
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var documented = operation["responses"]?[status]?.AsObject() ?? operation["responses"]?["default"]?.AsObject();
        var body = response.Content is null ? "" : await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(documented is not null,
            $"{method} {pathTemplate} answered {status}, which its OpenAPI operation does not document (documented: " +
            $"{string.Join(", ", operation["responses"]!.AsObject().Select(entry => entry.Key))}). Body: {Shorten(body)}");

        var mediaType = response.Content?.Headers.ContentType?.MediaType;
        if (documented!["content"] is not JsonObject content || content.Count == 0)
        {
            Assert.True(string.IsNullOrEmpty(body), $"{method} {pathTemplate} {status} documents no body but answered: {Shorten(body)}");
            return;
        }

        Assert.True(mediaType is not null && content.ContainsKey(mediaType),
            $"{method} {pathTemplate} {status} answered content type '{mediaType}'; documented: {string.Join(", ", content.Select(entry => entry.Key))}.");
        if (mediaType is not ("application/json" or "application/problem+json"))
        {
            return;
        }

        var schema = content[mediaType]!["schema"]?.AsObject();
        Assert.True(schema is not null, $"{method} {pathTemplate} {status} {mediaType} has no schema.");
        AssertValid(schema!, body, $"{method} {pathTemplate} {status}");
    }

    private void AssertValid(JsonObject schema, string body, string what)
    {
        // The documented schema with its component references replaced by the components themselves: a self-contained
        // JSON Schema (the gateway's schemas are not recursive).
        var inlined = Inline(schema, depth: 0).AsObject();
        inlined["$schema"] = "https://json-schema.org/draft/2020-12/schema";

        var jsonSchema = JsonSchema.FromText(inlined.ToJsonString());
        using var instance = JsonDocument.Parse(body);
        var result = jsonSchema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = result.Details?
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}"))
            .ToList() ?? [];
        Assert.True(result.IsValid, $"{what}: the body does not match the documented schema: {string.Join("; ", errors)}. Body: {Shorten(body)}");
    }

    private JsonNode Inline(JsonNode node, int depth)
    {
        Assert.True(depth < 32, "The OpenAPI schemas nest deeper than 32 references; a recursive schema needs $ref resolution.");
        switch (node)
        {
            case JsonObject reference when reference["$ref"]?.GetValue<string>() is { } target && target.StartsWith(ComponentsPrefix, StringComparison.Ordinal):
                return Inline(Schema(target[ComponentsPrefix.Length..]), depth + 1);
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, value) in obj)
                {
                    copy[key] = value is null ? null : Inline(value, depth);
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(item => item is null ? null : Inline(item, depth))]);
            default:
                return node.DeepClone();
        }
    }

    private static string Shorten(string text) => text.Length > 600 ? text[..600] + "…" : text;
}
