using System.ComponentModel.DataAnnotations;

namespace RagApp.Ingest.Worker.Ingestion;

/// <summary>The worker's own settings, section "Ingest:Worker".</summary>
public sealed class IngestWorkerOptions
{
    public const string SectionName = "Ingest:Worker";

    /// <summary>
    /// Jobs processed at once by this replica. Embedding is CPU-bound and shared through one batcher, so jobs in
    /// flight keep the model busy while others extract, read the cache or write: enough that, with small documents,
    /// a full batch is waiting for each lane while the jobs of the running batches write their results and take
    /// their next job.
    /// </summary>
    [Range(1, 1024)]
    public int Concurrency { get; set; } = 128;

    /// <summary>
    /// Payload bytes of the jobs in flight beyond which no further job is taken until one ends: many small
    /// documents keep the model's batches full, a few large ones do not exhaust memory.
    /// </summary>
    [Range(1L, long.MaxValue)]
    public long MaxInFlightBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>How long one lease call waits for a job before asking again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan LeaseWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Chunks per message of the upsert stream to RagApp.Rag. A document of at most this many chunks is not streamed:
    /// it shares one call (and one durable write) with the other small documents finished at the same time.
    /// </summary>
    [Range(1, 4096)]
    public int IndexBatchSize { get; set; } = 64;

    /// <summary>How long one call to the index may take before its documents' jobs fail (and are retried).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan IndexCallTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
