using System.Diagnostics;
using System.Diagnostics.Metrics;
using RagApp.Core.Embeddings;
using RagApp.Rag.Index;

namespace RagApp.Rag.Retrieval;

/// <summary>
/// Spans and instruments of the query side under the service's names ("RagApp.Rag", shared with
/// <see cref="IndexTelemetry"/>), including the question-embedding batches.
/// </summary>
internal sealed class QueryTelemetry : IEmbeddingBatchMetrics
{
    public static ActivitySource ActivitySource => IndexTelemetry.ActivitySource;

    private readonly Histogram<double> _queryDuration;
    private readonly Histogram<double> _retrievalDuration;
    private readonly Histogram<int> _results;
    private readonly Counter<long> _questionsEmbedded;
    private readonly Histogram<double> _embeddingBatchDuration;
    private readonly Histogram<int> _embeddingBatchSize;
    private readonly Counter<long> _sessionStoreFailures;

    public QueryTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(IndexTelemetry.Name);
        _queryDuration = meter.CreateHistogram<double>("ragapp.rag.query.duration", "s", "Time to answer one query, by outcome (ok, invalid, failed_precondition, cancelled, error).");
        _retrievalDuration = meter.CreateHistogram<double>("ragapp.rag.query.retrieval.duration", "s", "Time to embed a question and search the index.");
        _results = meter.CreateHistogram<int>("ragapp.rag.query.results", "{source}", "Sources returned per query.");
        _questionsEmbedded = meter.CreateCounter<long>("ragapp.rag.questions.embedded", "{question}", "Questions run through the embedding model.");
        _embeddingBatchDuration = meter.CreateHistogram<double>("ragapp.rag.embedding.batch.duration", "s", "Time to embed one batch of questions.");
        _embeddingBatchSize = meter.CreateHistogram<int>("ragapp.rag.embedding.batch.size", "{question}", "Questions per embedding batch.");
        _sessionStoreFailures = meter.CreateCounter<long>("ragapp.rag.session.store.failures", "{failure}",
            "Session reads and writes that failed or timed out (by operation: load, append; reason: timeout, error); the query was answered without them.");
    }

    public void RecordQuery(string outcome, TimeSpan duration, int results)
    {
        _queryDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
        if (outcome == QueryOutcomes.Ok)
        {
            _results.Record(results);
        }
    }

    public void RecordSessionStoreFailure(string operation, string reason) =>
        _sessionStoreFailures.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("reason", reason));

    public void RecordRetrieval(TimeSpan duration) => _retrievalDuration.Record(duration.TotalSeconds);

    public void RecordBatch(int size, TimeSpan duration, bool succeeded)
    {
        if (succeeded)
        {
            _questionsEmbedded.Add(size);
        }

        _embeddingBatchDuration.Record(duration.TotalSeconds);
        _embeddingBatchSize.Record(size);
    }
}
