using System.ComponentModel.DataAnnotations;

namespace RagApp.Ingest.Worker.Embedding;

/// <summary>Cross-job batching of embedding work, section "Ingest:Embedding".</summary>
public sealed class EmbeddingBatcherOptions
{
    public const string SectionName = "Ingest:Embedding";

    /// <summary>
    /// Most texts handed to the model at once. Large: the model sorts a call's texts by length and pads each
    /// of its batches only to the longest, so the more texts a call holds, the less padding it computes.
    /// </summary>
    [Range(1, 2048)]
    public int MaxBatchSize { get; set; } = 128;

    /// <summary>How long a partial batch waits for more texts from other jobs before it runs anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// Batches handed to the model at once. One: the local model already spreads a batch over every core
    /// (Embeddings:Local:ParallelBatches); more calls at once only oversubscribe them (measured: 65 s of worker
    /// CPU for the cranfield corpus with one, 70 s with two). A remote provider may want more.
    /// </summary>
    [Range(1, 64)]
    public int ConcurrentBatches { get; set; } = 1;
}
