using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using RagApp.Gateway.Documents;

namespace RagApp.Gateway.OpenApi;

/// <summary>
/// Describes <c>POST /api/v1/documents</c>, whose body <see cref="UploadReader"/> reads by hand (so that a wrong
/// content type gets a problem naming the field rather than routing's bare 415), so endpoint metadata cannot describe
/// it: a JSON text or multipart files, each with its own 202 answer, and the size limits that apply to both.
/// </summary>
internal sealed class UploadDocumentsOperationTransformer(IOptions<UploadOptions> options) : IOpenApiOperationTransformer
{
    public const string OperationId = "UploadDocuments";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (operation.OperationId != OperationId)
        {
            return Task.CompletedTask;
        }

        var limits = options.Value;
        operation.Description =
            $"Send either application/json (one text document) or multipart/form-data (one to {limits.MaxFilesPerRequest} files). " +
            $"A text document, or a plain-text or Markdown file, may hold at most {limits.MaxTextCharacters} characters; any file or " +
            $"text at most {limits.MaxFileBytes} bytes; the whole request at most {limits.MaxRequestBytes} bytes. Larger answers 413.";
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = TextRequestSchema(limits) },
                ["multipart/form-data"] = new() { Schema = MultipartSchema(limits) },
            },
        };

        if (operation.Responses?.GetValueOrDefault("202") is OpenApiResponse accepted && context.Document is { } document)
        {
            accepted.Description =
                "Queued. A JSON upload answers one DocumentAccepted (and Location: its job); a multipart upload answers DocumentsAccepted, one entry per file.";
            accepted.Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new()
                {
                    Schema = new OpenApiSchema
                    {
                        OneOf =
                        [
                            new OpenApiSchemaReference(nameof(DocumentAccepted), document),
                            new OpenApiSchemaReference(nameof(DocumentsAccepted), document),
                        ],
                    },
                },
            };
        }

        return Task.CompletedTask;
    }

    private static OpenApiSchema TextRequestSchema(UploadOptions limits) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "One document given as text.",
        Required = new HashSet<string> { "text" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["text"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                MinLength = 1,
                MaxLength = limits.MaxTextCharacters,
                Description = $"The document's content; more than white space, at most {limits.MaxTextCharacters} characters and {limits.MaxFileBytes} UTF-8 bytes.",
            },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, MaxLength = UploadReader.MaxTitleLength },
            ["document_id"] = DocumentIdSchema("Defaults to a hash of the text, so the same text replaces itself."),
            ["metadata"] = MetadataObjectSchema(limits),
        },
    };

    private static OpenApiSchema MultipartSchema(UploadOptions limits) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "One or more files. title and document_id apply only when a single file is sent; metadata applies to every file.",
        Required = new HashSet<string> { "file" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["file"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                MinItems = 1,
                MaxItems = limits.MaxFilesPerRequest,
                Description = "text/plain, text/markdown, text/html, application/pdf or DOCX files; the content type must match the content.",
                Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" },
            },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = UploadReader.MaxTitleLength },
            ["document_id"] = DocumentIdSchema("Defaults to the file name, so uploading a file again replaces it."),
            ["metadata"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = $"A JSON object of at most {limits.MaxMetadataEntries} string, number or boolean values.",
            },
        },
    };

    private static OpenApiSchema DocumentIdSchema(string description) => new()
    {
        Type = JsonSchemaType.String,
        MaxLength = DocumentIds.MaxLength,
        Pattern = DocumentIds.Pattern,
        Description = description,
    };

    private static OpenApiSchema MetadataObjectSchema(UploadOptions limits) => new()
    {
        Type = JsonSchemaType.Object | JsonSchemaType.Null,
        MaxProperties = limits.MaxMetadataEntries,
        Description = "Values are stored as strings; filters compare them.",
        AdditionalProperties = new OpenApiSchema
        {
            Type = JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean,
            MaxLength = MetadataReader.MaxValueLength,
        },
    };
}
