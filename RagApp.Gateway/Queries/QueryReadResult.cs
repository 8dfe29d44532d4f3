using RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Queries;

/// <summary>Either a valid question as RagApp.Rag takes it, or the problem to answer with.</summary>
internal sealed record QueryReadResult(QueryRequest? Request, IResult? Problem)
{
    public static QueryReadResult Read(QueryRequest request) => new(request, null);

    public static QueryReadResult Failed(IResult problem) => new(null, problem);
}
