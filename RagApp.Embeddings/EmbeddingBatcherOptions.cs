using System.ComponentModel.DataAnnotations;

namespace RagApp.Core.Embeddings;

/// <summary>
/// Batching of embedding work across callers: section "Ingest:Embedding" in the worker, "Rag:Embedding" in RagApp.Rag
/// (<see cref="EmbeddingBatcherRegistration"/>).
/// </summary>
public sealed class EmbeddingBatcherOptions
{

    /// <summary>
    /// Most texts handed to the model in one call. The model sorts a call's texts by length and pads each of its
    /// inner batches only to the longest, so a call of dozens of texts computes little padding.
    /// </summary>
    [Range(1, 2048)]
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// How long a free lane waits for more texts when less than a full batch is waiting. Short: under load a full
    /// batch is always waiting; at rest it only gathers the chunks of one job, written one after another.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// Whether a lane waits <see cref="MaxBatchDelay"/> for company when no lane is computing. True (the default, the
    /// worker): a lone job's chunks, written one after another, share one batch. RagApp.Rag sets it false: a lone
    /// question starts at once (2 ms sooner), while questions that arrive as a lane computes still wait for company,
    /// so batches under load stay as large (measured with the question-loop benchmark, docs/benchmarks.md).
    /// </summary>
    public bool WaitWhenAllLanesIdle { get; set; } = true;

    /// <summary>
    /// Lanes: model calls running side by side, each taking the next batch as soon as it is free. One per core,
    /// with the local model running each call on one thread (the worker sets Embeddings:Local:ParallelBatches to 1),
    /// so the cores never wait for each other: with one call at a time spread over both cores, each call ended with
    /// one core idle on its last inner batch and the next call waited for the previous call's jobs to bring their
    /// next chunks (cranfield: 97 % of the time in a model call, but ≈ 20 % of that with one core idle).
    /// A remote provider may want more.
    /// </summary>
    [Range(1, 64)]
    public int ConcurrentBatches { get; set; } = Environment.ProcessorCount;
}
