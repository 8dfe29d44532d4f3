using RagApp.Gateway.Access;
using RagApp.Gateway.RateLimiting;
using System.Globalization;
using Grpc.Core;
using RagApp.Core.Grpc.V1;
using RagApp.Gateway.Documents;

namespace RagApp.Gateway.Apis;

/// <summary>Upload, list, read and delete documents (<c>/api/v1/documents</c>).</summary>
public static class DocumentsApi
{
    public static IEndpointRouteBuilder MapDocumentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/documents").WithTags("Documents")
            .RequireAuthorization(ApiKeyDefaults.Policy)
            .RequireRateLimiting(RateLimitPolicies.Api)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        // Longer ids are no document's: routing answers 404 without asking RagApp.Rag.
        var id = $"/{{id:maxlength({DocumentIds.MaxLength})}}";

        api.MapPost("/", UploadAsync)
            .WithName("UploadDocuments")
            .RequireRateLimiting(RateLimitPolicies.Uploads)
            .WithSummary("Queues documents for ingestion: JSON {text, title?, document_id?, metadata?} or multipart files.")
            // No Accepts<T>() metadata: routing would then answer other content types with a bare 415
            // before UploadReader can say which field is wrong.
            // Request bodies and the 202's two shapes: see UploadDocumentsOperationTransformer.
            .Produces<DocumentsAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery()
            // A large file on a slow link takes longer than a request may; Kestrel's minimum data rate guards it.
            .DisableRequestTimeout();

        api.MapGet("/", ListAsync)
            .WithName("ListDocuments")
            .WithSummary("Lists indexed documents, a page at a time.")
            .Produces<DocumentPage>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet(id, GetAsync)
            .WithName("GetDocument")
            .WithSummary("Describes one indexed document.")
            .Produces<DocumentResponse>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapGet($"{id}/chunks", GetChunksAsync)
            .WithName("GetDocumentChunks")
            .WithSummary("The chunks the index holds for a document, in order: what questions are answered from.")
            .Produces<DocumentChunks>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapDelete(id, DeleteAsync)
            .WithName("DeleteDocument")
            .WithSummary("Queues the removal of a document and every chunk of it, ordered with the document's uploads: the newest submission wins.")
            .Produces<DocumentAccepted>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        return app;
    }

    private static async Task<IResult> UploadAsync(
        HttpRequest request, UploadReader reader, DocumentSubmitter submitter, CancellationToken cancellationToken)
    {
        var upload = await reader.ReadAsync(request, cancellationToken);
        if (upload.Problem is not null)
        {
            return upload.Problem;
        }

        var submission = await submitter.SubmitAsync(upload.Documents, cancellationToken);
        if (submission.RetryAfter is { } retryAfter)
        {
            request.HttpContext.Response.Headers.RetryAfter =
                Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                title: "The ingest queue is full.",
                detail: submission.Accepted.Count == 0
                    ? "Nothing was queued; retry after the indicated delay."
                    : $"Only the first {submission.Accepted.Count} of {upload.Documents.Count} documents were queued (see 'accepted'); retry the rest after the indicated delay.",
                statusCode: StatusCodes.Status503ServiceUnavailable,
                extensions: new Dictionary<string, object?> { ["accepted"] = submission.Accepted });
        }

        if (request.HasJsonContentType())
        {
            var accepted = submission.Accepted[0];
            return TypedResults.Accepted($"/api/v1/jobs/{accepted.JobId}", accepted);
        }

        return TypedResults.Accepted((string?)null, new DocumentsAccepted(submission.Accepted));
    }

    private static async Task<IResult> ListAsync(
        IndexService.IndexServiceClient index,
        int? page_size,
        string? page_token,
        CancellationToken cancellationToken)
    {
        if (page_size is < 1 or > 100)
        {
            return ProblemResults.Validation(new Dictionary<string, string[]> { ["page_size"] = ["must be between 1 and 100"] });
        }

        try
        {
            var page = await index.ListDocumentsAsync(
                new ListDocumentsRequest { PageSize = page_size ?? 20, PageToken = page_token ?? "" },
                cancellationToken: cancellationToken);
            return TypedResults.Ok(new DocumentPage(
                [.. page.Documents.Select(DocumentResponse.From)],
                string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken,
                page.TotalCount));
        }
        catch (RpcException exception)
        {
            return RagProblems.From(exception, "page_token");
        }
    }

    private static async Task<IResult> GetAsync(string id, IndexService.IndexServiceClient index, CancellationToken cancellationToken)
    {
        try
        {
            var document = await index.GetDocumentAsync(new GetDocumentRequest { DocumentId = id }, cancellationToken: cancellationToken);
            return TypedResults.Ok(DocumentResponse.From(document));
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return ProblemResults.NotFound("document", id);
        }
        catch (RpcException exception)
        {
            return RagProblems.From(exception, "id");
        }
    }

    private static async Task<IResult> GetChunksAsync(string id, IndexService.IndexServiceClient index, CancellationToken cancellationToken)
    {
        try
        {
            var response = await index.GetDocumentChunksAsync(new GetDocumentChunksRequest { DocumentId = id }, cancellationToken: cancellationToken);
            return TypedResults.Ok(new DocumentChunks(id, [.. response.Chunks.OrderBy(chunk => chunk.Ordinal).Select(DocumentChunk.From)]));
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return ProblemResults.NotFound("document", id);
        }
        catch (RpcException exception)
        {
            return RagProblems.From(exception, "id");
        }
    }

    /// <summary>
    /// A delete goes through the queue like an upload, so that it is ordered with the document's other submissions: a
    /// delete issued while an upload of the document is queued or running wins over it, whichever job finishes last.
    /// </summary>
    private static async Task<IResult> DeleteAsync(
        string id, IndexService.IndexServiceClient index, DocumentSubmitter submitter, CancellationToken cancellationToken)
    {
        if (!DocumentIds.IsValid(id))
        {
            return ProblemResults.NotFound("document", id);
        }

        // Asked before queuing: a document the queue has never seen may still be in the index (its Redis was replaced).
        bool? indexed;
        try
        {
            await index.GetDocumentAsync(new GetDocumentRequest { DocumentId = id }, cancellationToken: cancellationToken);
            indexed = true;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            indexed = false;
        }
        catch (RpcException exception) when (exception.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            // Deleting must not wait for RagApp.Rag: the queue holds the delete until the index can take it.
            indexed = null;
        }

        var accepted = await submitter.SubmitDeleteAsync(id, indexed, cancellationToken);
        return accepted is null
            ? ProblemResults.NotFound("document", id)
            : TypedResults.Accepted($"/api/v1/jobs/{accepted.JobId}", accepted);
    }
}
