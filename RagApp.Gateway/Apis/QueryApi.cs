using RagApp.Gateway.Access;
using RagApp.Gateway.RateLimiting;
using RagApp.Core.Grpc.V1;
using RagApp.Gateway.Queries;

namespace RagApp.Gateway.Apis;

/// <summary>Questions answered from the indexed documents (<c>/api/v1/query</c>), whole or streamed as server-sent events.</summary>
public static class QueryApi
{
    public const string QueryOperation = "Query";
    public const string StreamOperation = "QueryStream";

    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder app)
    {
        // No Accepts<T>() metadata: routing would answer other content types with a bare 415 before QueryRequestReader
        // can say which field is wrong. The request body and the stream's events: see QueryOperationTransformer.
        var api = app.MapGroup("/api/v1/query").WithTags("Query")
            .RequireAuthorization(ApiKeyDefaults.Policy)
            .RequireRateLimiting(RateLimitPolicies.Queries)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesValidationProblem()
            // A body that arrives below Kestrel's minimum data rate (BadRequestExceptionHandler).
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .ProducesProblem(StatusCodes.Status504GatewayTimeout)
            .DisableAntiforgery();

        // A question's whole time is Gateway:Query:Timeout, whose 504 (or a stream's error event) says so.
        api.DisableRequestTimeout();

        api.MapPost("/", (HttpContext context, RagService.RagServiceClient rag, QueryHandler handler) => handler.QueryAsync(context, rag))
            .WithName(QueryOperation)
            .WithSummary("Answers a question from the indexed documents, citing the passages it used.")
            .Produces<QueryResponse>();

        api.MapPost("/stream", (HttpContext context, RagService.RagServiceClient rag, QueryHandler handler) => handler.StreamAsync(context, rag))
            .WithName(StreamOperation)
            .WithSummary("Answers a question as server-sent events: sources, then the answer in deltas, then completed.")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");

        return app;
    }
}
