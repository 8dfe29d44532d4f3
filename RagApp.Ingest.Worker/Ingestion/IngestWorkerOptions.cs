using System.ComponentModel.DataAnnotations;

namespace RagApp.Ingest.Worker.Ingestion;

/// <summary>The worker's own settings, section "Ingest:Worker".</summary>
public sealed class IngestWorkerOptions
{
    public const string SectionName = "Ingest:Worker";

    /// <summary>
    /// Jobs processed at once by this replica. Embedding is CPU-bound and shared through one batcher,
    /// so several jobs in flight keep the model busy while others extract, read the cache or write.
    /// </summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    /// <summary>How long one lease call waits for a job before asking again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan LeaseWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Chunks per message of the upsert stream to RagApp.Rag.</summary>
    [Range(1, 4096)]
    public int IndexBatchSize { get; set; } = 64;

}
