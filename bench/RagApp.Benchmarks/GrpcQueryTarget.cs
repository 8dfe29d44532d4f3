using System.Diagnostics;
using RagApp.Core.Grpc.V1;

namespace RagApp.Benchmarks;

/// <summary>RagApp.Rag's Query RPC called directly: everything the gateway's endpoint does except the gateway's own hop.</summary>
internal sealed class GrpcQueryTarget(RagService.RagServiceClient client) : IQueryTarget
{
    public string Label => "RagApp.Rag gRPC Query (direct, not through the gateway)";

    public async Task<QueryTiming> AskAsync(string question, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var response = await client.QueryAsync(new QueryRequest { Question = question }, cancellationToken: cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return new QueryTiming(elapsed, response.RetrievalMs, response.LatencyMs);
    }
}
