using System.Text.RegularExpressions;
using Grpc.Core;
using Microsoft.AspNetCore.Mvc;

namespace RagApp.Gateway.Apis;

/// <summary>
/// Maps a failed call to RagApp.Rag to the problem the client should see. A 503 always carries <c>Retry-After</c>
/// (<see cref="RetryAfterProblemResult"/>). Nothing of RagApp.Rag's internals reaches the client: only the details of
/// statuses RagApp.Rag words for callers (InvalidArgument, NotFound, FailedPrecondition).
/// </summary>
internal static partial class RagProblems
{
    public const string UnavailableDetail = "The RAG service is not reachable right now; retry shortly.";

    public static IResult From(RpcException exception, string field) => exception.StatusCode switch
    {
        StatusCode.InvalidArgument => ProblemResults.Field(StatusCodes.Status400BadRequest, "The request is not valid.", field, exception.Status.Detail),
        StatusCode.NotFound => TypedResults.Problem(exception.Status.Detail, statusCode: StatusCodes.Status404NotFound),
        StatusCode.DeadlineExceeded => TypedResults.Problem(
            "The RAG service did not answer within the time allowed for one call (Gateway:Rag:Deadline).",
            statusCode: StatusCodes.Status504GatewayTimeout,
            title: "The RAG service took too long."),
        StatusCode.Unavailable => new RetryAfterProblemResult(new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The RAG service is not reachable.",
            Detail = UnavailableDetail,
        }),
        _ => TypedResults.Problem("The RAG service failed to answer.", statusCode: StatusCodes.Status502BadGateway),
    };

    /// <summary>
    /// The problem for a failed question: InvalidArgument 400 naming the field RagApp.Rag named (its detail starts
    /// "field: "), FailedPrecondition 409 (the index was built with another embedding model), Unavailable 503,
    /// DeadlineExceeded 504 (the question's time ran out), anything else 502.
    /// </summary>
    public static ProblemDetails ForQuery(RpcException exception)
    {
        var detail = exception.Status.Detail;
        switch (exception.StatusCode)
        {
            case StatusCode.InvalidArgument:
                var named = FieldAndMessage().Match(detail);
                var (field, message) = named.Success ? (named.Groups["field"].Value, named.Groups["message"].Value) : ("body", detail);
                var invalid = new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "The request is not valid.", Detail = $"{field}: {message}" };
                invalid.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
                return invalid;
            case StatusCode.FailedPrecondition:
                return new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "The index cannot answer questions right now.", Detail = detail };
            case StatusCode.Unavailable:
                return new ProblemDetails { Status = StatusCodes.Status503ServiceUnavailable, Title = "The RAG service is not reachable.", Detail = UnavailableDetail };
            case StatusCode.DeadlineExceeded:
                return new ProblemDetails
                {
                    Status = StatusCodes.Status504GatewayTimeout,
                    Title = "The question took too long.",
                    Detail = "The RAG service did not answer within the time allowed for a question (Gateway:Query:Timeout) or for one call to it (Gateway:Rag:Deadline).",
                };
            default:
                return new ProblemDetails { Status = StatusCodes.Status502BadGateway, Title = "The RAG service failed to answer.", Detail = "The RAG service failed while answering; retry, or report it if it persists." };
        }
    }

    /// <summary>The problem as an answer: a 503 with <c>Retry-After</c>, any other with its status.</summary>
    public static IResult ToResult(ProblemDetails problem) =>
        problem.Status == StatusCodes.Status503ServiceUnavailable ? new RetryAfterProblemResult(problem) : TypedResults.Problem(problem);

    [GeneratedRegex(@"^(?<field>[a-z_][a-z0-9_.\[\]]*): (?<message>.+)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex FieldAndMessage();
}
