using Grpc.Core;

namespace RagApp.Gateway.Apis;

/// <summary>Maps a failed call to RagApp.Rag to the problem the client should see.</summary>
internal static class RagProblems
{
    public static IResult From(RpcException exception, string field) => exception.StatusCode switch
    {
        StatusCode.InvalidArgument => ProblemResults.Field(StatusCodes.Status400BadRequest, "The request is not valid.", field, exception.Status.Detail),
        StatusCode.NotFound => TypedResults.Problem(exception.Status.Detail, statusCode: StatusCodes.Status404NotFound),
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => TypedResults.Problem(
            "The RAG service is not reachable right now; retry shortly.", statusCode: StatusCodes.Status503ServiceUnavailable),
        _ => TypedResults.Problem("The RAG service failed to answer.", statusCode: StatusCodes.Status502BadGateway),
    };
}
