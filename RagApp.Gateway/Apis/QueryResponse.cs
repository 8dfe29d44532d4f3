namespace RagApp.Gateway.Apis;

/// <summary>The answer to a question, with the passages it was composed from.</summary>
/// <param name="Citations">1-based numbers of the sources the answer cites: marker [n] in the answer is sources[n - 1].</param>
/// <param name="Confidence">0..1: how well the sources support the answer.</param>
/// <param name="Abstained">True when the sources do not answer the question and the answer says so.</param>
/// <param name="Cached">True when the answer came from the answer cache.</param>
/// <param name="LatencyMs">Time the gateway took to answer, in milliseconds.</param>
/// <param name="RetrievalMs">Time RagApp.Rag spent embedding the question and searching, in milliseconds.</param>
/// <param name="Answerer">What composed the answer: "extractive" (sentences of the sources) or "chat" (a chat model).</param>
/// <param name="AnswerModel">The chat model that wrote the answer; null for the extractive answerer.</param>
/// <param name="Route">The chat deployment chosen ("fast" or "strong"); null for the extractive answerer.</param>
/// <param name="Fallback">True when the chat model failed or was too slow and the extractive answer was given instead.</param>
/// <param name="Model">The embedding model the question was embedded with.</param>
/// <param name="RetrievalQuestion">The question retrieval ran with (a follow-up may be rewritten from the conversation).</param>
/// <param name="IndexGeneration">The index generation the answer was computed against.</param>
public sealed record QueryResponse(
    string Answer,
    IReadOnlyList<QuerySource> Sources,
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
    internal static QueryResponse From(Core.Grpc.V1.QueryResponse response, TimeSpan latency) => new(
        response.Answer,
        [.. response.Sources.Select(QuerySource.From)],
        [.. response.Citations],
        response.Confidence,
        response.Abstained,
        Cached: false,
        latency.TotalMilliseconds,
        response.RetrievalMs,
        response.Answerer,
        NullIfEmpty(response.AnswerModel),
        NullIfEmpty(response.Route),
        response.Fallback,
        response.Model,
        response.RetrievalQuestion,
        response.IndexGeneration);

    internal static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
