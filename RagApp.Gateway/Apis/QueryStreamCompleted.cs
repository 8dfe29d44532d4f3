using RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Apis;

/// <summary>
/// The data of the stream's last event, <c>completed</c>: the whole answer (the deltas concatenated) and what
/// <see cref="QueryResponse"/> says besides its sources.
/// </summary>
public sealed record QueryStreamCompleted(
    string Answer,
    IReadOnlyList<int> Citations,
    float Confidence,
    bool Abstained,
    bool Cached,
    double LatencyMs,
    double RetrievalMs,
    string Answerer,
    string? AnswerModel,
    string? Route,
    bool Fallback,
    string Model,
    string RetrievalQuestion,
    long IndexGeneration)
{
    internal static QueryStreamCompleted From(QueryCompleted completed, TimeSpan latency) => new(
        completed.Answer,
        [.. completed.Citations],
        completed.Confidence,
        completed.Abstained,
        Cached: false,
        latency.TotalMilliseconds,
        completed.RetrievalMs,
        completed.Answerer,
        QueryResponse.NullIfEmpty(completed.AnswerModel),
        QueryResponse.NullIfEmpty(completed.Route),
        completed.Fallback,
        completed.Model,
        completed.RetrievalQuestion,
        completed.IndexGeneration);
}
