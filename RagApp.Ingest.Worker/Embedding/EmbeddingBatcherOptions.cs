using System.ComponentModel.DataAnnotations;

namespace RagApp.Ingest.Worker.Embedding;

/// <summary>Cross-job batching of embedding work, section "Ingest:Embedding".</summary>
public sealed class EmbeddingBatcherOptions
{
    public const string SectionName = "Ingest:Embedding";

    /// <summary>Most texts handed to the model at once.</summary>
    [Range(1, 2048)]
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>How long a partial batch waits for more texts from other jobs before it runs anyway.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(20);
}
