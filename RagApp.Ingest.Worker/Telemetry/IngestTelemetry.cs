using System.Diagnostics;
using System.Diagnostics.Metrics;
using RagApp.Core.Embeddings;

namespace RagApp.Ingest.Worker.Telemetry;

/// <summary>The worker's spans ("RagApp.Ingest") and instruments (meter "RagApp.Ingest"), shown on the dashboard.</summary>
internal sealed class IngestTelemetry : IEmbeddingBatchMetrics, IDisposable
{
    public const string Name = "RagApp.Ingest";

    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Meter _meter;

    public IngestTelemetry(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(Name);
        JobsCompleted = _meter.CreateCounter<long>("ragapp.ingest.jobs", "{job}", "Ingest jobs finished, by outcome (succeeded, unchanged, retried, failed).");
        ChunksEmbedded = _meter.CreateCounter<long>("ragapp.ingest.chunks.embedded", "{chunk}", "Chunks run through the embedding model.");
        EmbeddingCacheHits = _meter.CreateCounter<long>("ragapp.ingest.embedding_cache.hits", "{chunk}", "Chunks whose vector came from the embedding cache.");
        EmbeddingBatchDuration = _meter.CreateHistogram<double>("ragapp.ingest.embedding.batch.duration", "s", "Time to embed one batch.");
        EmbeddingBatchSize = _meter.CreateHistogram<int>("ragapp.ingest.embedding.batch.size", "{chunk}", "Chunks per embedding batch.");
        JobDuration = _meter.CreateHistogram<double>("ragapp.ingest.job.duration", "s", "Time from lease to outcome, per job.");
    }

    public Counter<long> JobsCompleted { get; }

    public Counter<long> ChunksEmbedded { get; }

    public Counter<long> EmbeddingCacheHits { get; }

    public Histogram<double> EmbeddingBatchDuration { get; }

    public Histogram<int> EmbeddingBatchSize { get; }

    public Histogram<double> JobDuration { get; }

    public void RecordBatch(int size, TimeSpan duration, bool succeeded)
    {
        if (succeeded)
        {
            ChunksEmbedded.Add(size);
        }

        EmbeddingBatchDuration.Record(duration.TotalSeconds);
        EmbeddingBatchSize.Record(size);
    }

    /// <summary>Queue depth gauges read the last sample taken by <see cref="QueueDepthSampler"/>.</summary>
    public void ObserveQueueDepth(Func<Core.Queue.QueueDepth?> latest)
    {
        _meter.CreateObservableGauge("ragapp.ingest.queue.depth", () =>
        {
            var depth = latest();
            return depth is null
                ? []
                : new[]
                {
                    new Measurement<long>(depth.Ready, new KeyValuePair<string, object?>("state", "ready")),
                    new Measurement<long>(depth.Processing, new KeyValuePair<string, object?>("state", "processing")),
                    new Measurement<long>(depth.Delayed, new KeyValuePair<string, object?>("state", "delayed")),
                    new Measurement<long>(depth.DeadLettered, new KeyValuePair<string, object?>("state", "dead_lettered")),
                };
        }, "{job}", "Jobs in the ingest queue, by state.");
        _meter.CreateObservableGauge("ragapp.ingest.queue.bytes", () => latest()?.QueuedBytes ?? 0, "By", "Payload bytes waiting in the queue.");
    }

    public void Dispose() => _meter.Dispose();
}
