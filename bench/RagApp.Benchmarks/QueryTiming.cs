namespace RagApp.Benchmarks;

/// <summary>
/// One answered question: the client's round trip, and the service's own clock when the response carries it
/// (RagApp.Rag's retrieval_ms, embedding the question and searching, and latency_ms, the whole Query call).
/// </summary>
internal sealed record QueryTiming(double ClientMs, double? RetrievalMs, double? ServiceMs);
