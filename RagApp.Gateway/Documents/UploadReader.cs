using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using RagApp.Core.Documents;
using RagApp.Gateway.Apis;

namespace RagApp.Gateway.Documents;

/// <summary>
/// Reads and validates an upload (JSON text or multipart files) into documents ready to queue, or a
/// problem naming the field at fault: 400 malformed, 413 too large, 415 unsupported or mismatched type.
/// Nothing is queued unless every document of the request is valid.
/// </summary>
internal sealed class UploadReader(IOptions<UploadOptions> options)
{
    public const int MaxTitleLength = 512;

    private UploadOptions Limits => options.Value;

    public async Task<UploadReadResult> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = Limits.MaxRequestBytes;
        }

        try
        {
            if (request.HasJsonContentType())
            {
                return await ReadJsonAsync(request, cancellationToken);
            }

            if (request.HasFormContentType)
            {
                return await ReadMultipartAsync(request, cancellationToken);
            }
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge("body", $"the request is larger than {Limits.MaxRequestBytes} bytes");
        }
        catch (InvalidDataException exception)
        {
            // The multipart reader's own limits (body length, section count) and malformed bodies.
            return UploadReadResult.Failed(ProblemResults.Field(
                StatusCodes.Status400BadRequest, "The upload is not valid.", "body", exception.Message));
        }
        catch (IOException exception) when (exception is not BadHttpRequestException && request.HasFormContentType
            && !cancellationToken.IsCancellationRequested)
        {
            // The body ended before the multipart closing boundary: a boundary that does not match the content type's,
            // or a truncated body. Other BadHttpRequestExceptions (an IOException too) are caught above or mapped by
            // BadRequestExceptionHandler; a client that went away is cancelled and answered by nobody.
            return UploadReadResult.Failed(ProblemResults.Field(
                StatusCodes.Status400BadRequest,
                "The upload is not valid.",
                "body",
                "the multipart body ended before its closing boundary: the boundary does not match the Content-Type header's, or the body is truncated"));
        }

        return UploadReadResult.Failed(ProblemResults.Field(
            StatusCodes.Status415UnsupportedMediaType,
            "Unsupported request content type.",
            "content_type",
            "send application/json ({\"text\": ...}) or multipart/form-data with one or more files"));
    }

    private async Task<UploadReadResult> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        TextDocumentRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<TextDocumentRequest>(cancellationToken);
        }
        catch (System.Text.Json.JsonException exception)
        {
            var (title, field, message) = JsonBodyProblems.Describe(exception);
            return UploadReadResult.Failed(ProblemResults.Field(StatusCodes.Status400BadRequest, title, field, message));
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (body is null || string.IsNullOrWhiteSpace(body.Text))
        {
            errors["text"] = ["is required and must contain more than white space"];
        }

        ValidateTitle(body?.Title, errors);
        if (body?.DocumentId is { } id && !DocumentIds.IsValid(id))
        {
            errors["document_id"] = [DocumentIds.Rule];
        }

        var metadata = MetadataReader.Read(body?.Metadata, Limits.MaxMetadataEntries, "metadata", errors);
        if (errors.Count > 0 || body?.Text is null)
        {
            return UploadReadResult.Failed(ProblemResults.Validation(errors));
        }

        if (body.Text.Length > Limits.MaxTextCharacters)
        {
            return TooLarge("text", $"is {body.Text.Length} characters; the limit is {Limits.MaxTextCharacters}");
        }

        var content = Encoding.UTF8.GetBytes(body.Text);
        if (content.LongLength > Limits.MaxFileBytes)
        {
            return TooLarge("text", $"is {content.LongLength} bytes; the limit is {Limits.MaxFileBytes}");
        }

        return UploadReadResult.Read(new PendingDocument(
            body.DocumentId ?? DocumentIds.ForText(body.Text),
            NullIfBlank(body.Title),
            FileName: null,
            DocumentFormats.ContentTypeOf(DocumentFormat.PlainText),
            metadata,
            content));
    }

    private async Task<UploadReadResult> ReadMultipartAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);

        if (form.Files.Count == 0)
        {
            errors["file"] = ["at least one file is required"];
            return UploadReadResult.Failed(ProblemResults.Validation(errors));
        }

        if (form.Files.Count > Limits.MaxFilesPerRequest)
        {
            errors["file"] = [$"at most {Limits.MaxFilesPerRequest} files per request, got {form.Files.Count}"];
            return UploadReadResult.Failed(ProblemResults.Validation(errors));
        }

        var documentId = NullIfBlank(form["document_id"].ToString());
        var title = NullIfBlank(form["title"].ToString());
        if (form.Files.Count > 1 && documentId is not null)
        {
            errors["document_id"] = ["can only be given when uploading a single file"];
        }
        else if (documentId is not null && !DocumentIds.IsValid(documentId))
        {
            errors["document_id"] = [DocumentIds.Rule];
        }

        if (form.Files.Count > 1 && title is not null)
        {
            errors["title"] = ["can only be given when uploading a single file"];
        }

        ValidateTitle(title, errors);
        var metadata = MetadataReader.Read(form["metadata"].ToString(), Limits.MaxMetadataEntries, "metadata", errors);

        // Size and type problems outrank malformed fields: they say the file itself cannot be taken.
        foreach (var file in form.Files)
        {
            if (file.Length > Limits.MaxFileBytes)
            {
                return TooLarge(FieldOf(file), $"'{file.FileName}' is {file.Length} bytes; the limit is {Limits.MaxFileBytes}");
            }
        }

        var documents = new List<PendingDocument>(form.Files.Count);
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in form.Files)
        {
            var field = FieldOf(file);
            if (!DocumentFormats.Resolve(file.ContentType, file.FileName, out var format, out var problem))
            {
                return Unsupported(field, $"'{file.FileName}': {problem}");
            }

            if (file.Length == 0)
            {
                errors[field] = [$"'{file.FileName}' is empty"];
                continue;
            }

            var content = await ReadAllAsync(file, cancellationToken);
            if (!DocumentFormats.IsConsistent(format, content, out var mismatch))
            {
                return Unsupported(field, $"'{file.FileName}': {mismatch}");
            }

            if (format is DocumentFormat.PlainText or DocumentFormat.Markdown && CharacterCount(content) is var characters
                && characters > Limits.MaxTextCharacters)
            {
                return TooLarge(field, $"'{file.FileName}' is {characters} characters; the limit is {Limits.MaxTextCharacters}");
            }

            var id = documentId ?? DocumentIds.ForFile(file.FileName);
            if (!seenIds.Add(id))
            {
                errors[field] = [$"two files map to the document id '{id}'; upload them separately or rename one"];
                continue;
            }

            documents.Add(new PendingDocument(id, title, file.FileName, DocumentFormats.ContentTypeOf(format), metadata, content));
        }

        return errors.Count > 0
            ? UploadReadResult.Failed(ProblemResults.Validation(errors))
            : UploadReadResult.Read([.. documents]);
    }

    private static async Task<byte[]> ReadAllAsync(IFormFile file, CancellationToken cancellationToken)
    {
        var content = new byte[file.Length];
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(content, cancellationToken);
        return content;
    }

    /// <summary>Characters of a text file as the ingest worker counts them: UTF-8 decoded, without its byte order mark.</summary>
    private static int CharacterCount(ReadOnlySpan<byte> content) =>
        Encoding.UTF8.GetCharCount(content.StartsWith(Encoding.UTF8.Preamble) ? content[Encoding.UTF8.Preamble.Length..] : content);

    private static void ValidateTitle(string? title, Dictionary<string, string[]> errors)
    {
        if (title is { Length: > MaxTitleLength })
        {
            errors["title"] = [$"must be at most {MaxTitleLength} characters"];
        }
    }

    private static string FieldOf(IFormFile file) => string.IsNullOrEmpty(file.Name) ? "file" : file.Name;

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static UploadReadResult TooLarge(string field, string message) => UploadReadResult.Failed(ProblemResults.Field(
        StatusCodes.Status413PayloadTooLarge, "The upload is too large.", field, message));

    private static UploadReadResult Unsupported(string field, string message) => UploadReadResult.Failed(ProblemResults.Field(
        StatusCodes.Status415UnsupportedMediaType, "Unsupported or mismatched document type.", field, message));
}
