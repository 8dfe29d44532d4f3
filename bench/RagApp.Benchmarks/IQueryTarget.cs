namespace RagApp.Benchmarks;

/// <summary>Where the latency benchmark sends its questions: the gateway's REST endpoint or RagApp.Rag's gRPC Query.</summary>
internal interface IQueryTarget
{
    /// <summary>How the results are labelled, so that a table never passes a gRPC measurement off as the gateway's.</summary>
    string Label { get; }

    Task<QueryTiming> AskAsync(string question, CancellationToken cancellationToken);
}
