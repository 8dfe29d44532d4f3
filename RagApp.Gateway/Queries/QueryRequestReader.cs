using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using RagApp.Gateway.Apis;
using RagApp.Gateway.Documents;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Queries;

/// <summary>
/// Reads and validates a question (JSON only) into the request RagApp.Rag takes, or a problem naming the field at
/// fault: 400 malformed or invalid, 413 too large, 415 not JSON. RagApp.Rag checks the same rules; checking them here
/// too answers without a call and in the REST API's own terms (field names, bounds, a UUID's form).
/// </summary>
internal sealed class QueryRequestReader(IOptions<QueryOptions> options, IOptions<JsonOptions> json)
{
    public const int MinQuestionLength = 3;
    public const int MaxQuestionLength = 4000;
    public const int DefaultMaxResults = 5;
    public const int MaxResults = 20;

    /// <summary>RagApp.Rag's bound on document ids and on metadata entries in one filter.</summary>
    public const int MaxFilterEntries = 1000;

    public const string FilterShape = "must be a JSON object: {\"document_ids\"?: [\"id\", ...], \"metadata\"?: {\"key\": \"value\", ...}}";

    public async Task<QueryReadResult> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxRequestBytes;
        if (!request.HasJsonContentType())
        {
            return Failed(StatusCodes.Status415UnsupportedMediaType, "Unsupported request content type.", "content_type",
                "send application/json: {\"question\": ..., \"session_id\"?, \"max_results\"?, \"filter\"?}");
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        QueryRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync<QueryRequest>(cancellationToken);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Failed(StatusCodes.Status413PayloadTooLarge, "The request is too large.", "body",
                string.Create(CultureInfo.InvariantCulture, $"the request is larger than {limit} bytes"));
        }
        catch (JsonException exception)
        {
            var (title, field, message) = JsonBodyProblems.Describe(exception, ExpectedValue);
            return Failed(StatusCodes.Status400BadRequest, title, field, message);
        }

        return Validate(body);
    }

    /// <summary>
    /// A question from a body already in memory (UTF-8 JSON) when it is valid; false for anything
    /// <see cref="ReadAsync"/> would answer with a problem, which is then left to it.
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> body, [NotNullWhen(true)] out Rpc.QueryRequest? request)
    {
        try
        {
            request = Validate(JsonSerializer.Deserialize<QueryRequest>(body, json.Value.SerializerOptions)).Request;
        }
        catch (JsonException)
        {
            request = null;
        }

        return request is not null;
    }

    private static QueryReadResult Validate(QueryRequest? body)
    {
        if (body is null)
        {
            return Failed(StatusCodes.Status400BadRequest, "The request body does not have the expected shape.", "body", ExpectedValue("body"));
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var question = body.Question?.Trim();
        if (question is null)
        {
            errors["question"] = ["is required"];
        }
        else if (question.Length is < MinQuestionLength or > MaxQuestionLength)
        {
            errors["question"] = [string.Create(CultureInfo.InvariantCulture,
                $"must be {MinQuestionLength} to {MaxQuestionLength} characters after trimming white space; got {question.Length}")];
        }

        var sessionId = "";
        if (body.SessionId is { } session)
        {
            if (Guid.TryParseExact(session, "D", out var parsed))
            {
                sessionId = parsed.ToString("D");
            }
            else
            {
                errors["session_id"] = ["must be a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)"];
            }
        }

        if (body.MaxResults is < 1 or > MaxResults)
        {
            errors["max_results"] = [string.Create(CultureInfo.InvariantCulture, $"must be 1 to {MaxResults}; got {body.MaxResults}")];
        }

        var filter = ReadFilter(body.Filter, errors);
        if (errors.Count > 0 || question is null)
        {
            return QueryReadResult.Failed(ProblemResults.Validation(errors));
        }

        var read = new Rpc.QueryRequest
        {
            Question = question,
            SessionId = sessionId,
            MaxResults = body.MaxResults ?? DefaultMaxResults,
        };
        if (filter is not null)
        {
            read.Filter = filter;
        }

        return QueryReadResult.Read(read);
    }

    private static Rpc.QueryFilter? ReadFilter(QueryFilter? filter, Dictionary<string, string[]> errors)
    {
        if (filter is null)
        {
            return null;
        }

        var result = new Rpc.QueryFilter();
        if (filter.DocumentIds is { } ids)
        {
            if (ids.Count > MaxFilterEntries)
            {
                errors["filter.document_ids"] = [string.Create(CultureInfo.InvariantCulture, $"at most {MaxFilterEntries} ids; got {ids.Count}")];
            }
            else
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    if (!DocumentIds.IsValid(ids[i]))
                    {
                        errors[string.Create(CultureInfo.InvariantCulture, $"filter.document_ids[{i}]")] = [$"must be a document id: {DocumentIds.Rule}"];
                    }
                    else
                    {
                        result.DocumentIds.Add(ids[i]);
                    }
                }
            }
        }

        if (filter.Metadata is { } metadata)
        {
            if (metadata.Count > MaxFilterEntries)
            {
                errors["filter.metadata"] = [string.Create(CultureInfo.InvariantCulture, $"at most {MaxFilterEntries} entries; got {metadata.Count}")];
                return result;
            }

            foreach (var (key, value) in metadata)
            {
                if (key.Length is 0 or > MetadataReader.MaxKeyLength || string.IsNullOrWhiteSpace(key))
                {
                    errors["filter.metadata"] = [$"keys must be 1 to {MetadataReader.MaxKeyLength} characters and more than white space"];
                    continue;
                }

                // As documents' metadata is stored: strings as they are, numbers and booleans in their JSON spelling.
                // A null would match nothing any document can carry, so it is refused rather than dropped.
                string? text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                    _ => null,
                };
                if (text is null)
                {
                    errors[$"filter.metadata.{key}"] = ["must be a string, number or boolean"];
                    continue;
                }

                result.Metadata[key] = text;
            }
        }

        return result;
    }

    private static string ExpectedValue(string field) => field switch
    {
        "body" => "must be a JSON object: {\"question\": ..., \"session_id\"?, \"max_results\"?, \"filter\"?}",
        "question" or "session_id" => "must be a string",
        "max_results" => "must be a whole number",
        "filter" => FilterShape,
        "filter.document_ids" => "must be an array of document ids",
        "filter.metadata" => "must be a JSON object of string, number or boolean values",
        _ when field.StartsWith("filter.document_ids[", StringComparison.Ordinal) => "must be a string",
        _ => "has a value of the wrong type",
    };

    private static QueryReadResult Failed(int status, string title, string field, string message) =>
        QueryReadResult.Failed(ProblemResults.Field(status, title, field, message));
}
