using Grpc.Core;
using RagApp.Gateway.Apis;

namespace RagApp.Tests.Gateway;

/// <summary>
/// How a failed call to RagApp.Rag reads to a REST client: the statuses RagApp.Rag words for callers keep their words
/// (InvalidArgument naming its field), the others get a fixed detail that says nothing of RagApp.Rag's insides.
/// </summary>
public sealed class RagProblemsTests
{
    [Theory(Timeout = 10_000)]
    [InlineData(StatusCode.InvalidArgument, 400)]
    [InlineData(StatusCode.FailedPrecondition, 409)]
    [InlineData(StatusCode.Unavailable, 503)]
    [InlineData(StatusCode.DeadlineExceeded, 504)]
    [InlineData(StatusCode.Unknown, 502)]
    [InlineData(StatusCode.Internal, 502)]
    [InlineData(StatusCode.Unimplemented, 502)]
    [InlineData(StatusCode.ResourceExhausted, 502)]
    public void ForQuery_MapsTheStatus(StatusCode code, int expected)
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var problem = RagProblems.ForQuery(new RpcException(new Status(code, "filter.metadata: a key is empty")));

        Assert.Equal(expected, problem.Status);
        Assert.False(string.IsNullOrWhiteSpace(problem.Title));
        if (expected is 502 or 503 or 504)
        {
            Assert.DoesNotContain("filter.metadata", problem.Detail, StringComparison.Ordinal);
        }
    }

    [Theory(Timeout = 10_000)]
    [InlineData("filter.metadata: a key is empty", "filter.metadata", "a key is empty")]
    [InlineData("max_results: must be 1..20, or 0 for the default 5; got 21", "max_results", "must be 1..20, or 0 for the default 5; got 21")]
    [InlineData("The request is wrong somehow.", "body", "The request is wrong somehow.")]
    public void ForQuery_InvalidArgument_NamesTheFieldRagAppRagNamed(string detail, string field, string message)
    {
        TestContext.Current.CancellationToken.ThrowIfCancellationRequested();
        var problem = RagProblems.ForQuery(new RpcException(new Status(StatusCode.InvalidArgument, detail)));

        var errors = Assert.IsType<Dictionary<string, string[]>>(problem.Extensions["errors"]);
        Assert.Equal([message], errors[field]);
    }
}
