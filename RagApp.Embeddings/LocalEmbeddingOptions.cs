using System.ComponentModel.DataAnnotations;

namespace RagApp.Core.Embeddings;

/// <summary>Settings of the in-process MiniLM embedding generator, bound from "Embeddings:Local".</summary>
public sealed class LocalEmbeddingOptions
{
    public const string SectionName = "Embeddings:Local";

    /// <summary>Most inputs run through the model at once; inputs of similar length are batched together.</summary>
    [Range(1, 256)]
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// Most padded tokens (inputs × longest input) in one batch. Measured on 2 cores with ~230-token chunks: about 4
    /// chunks a batch was as fast as any size (≈40 chunks/s) while 32 a batch lost ~15%, and on one busy core small
    /// batches win outright (big batches' activations fall out of cache). Short, query-sized inputs still fill
    /// <see cref="MaxBatchSize"/>, about twice as fast per core as one at a time.
    /// </summary>
    [Range(MiniLmEmbeddingGenerator.MaxTokens, 65_536)]
    public int MaxBatchTokens { get; set; } = 1_024;

    /// <summary>
    /// Threads ONNX Runtime uses inside one operator of one batch; 0 leaves the choice to ONNX Runtime. One, with
    /// <see cref="ParallelBatches"/> batches side by side: measured on the 2-core development VM with cranfield
    /// chunks, 2 threads on one batch gave ≈67 chunks/s, 1 thread on each of 2 batches ≈86–91 chunks/s.
    /// </summary>
    [Range(0, 1024)]
    public int IntraOpNumThreads { get; set; } = 1;

    /// <summary>
    /// Batches of one call run at the same time, each on <see cref="IntraOpNumThreads"/> threads. One thread per batch
    /// and one batch per core beat two threads on one batch: no barrier between threads after every operator, so
    /// a core taken by another process (the services share the machine) slows one batch instead of all of them.
    /// </summary>
    [Range(1, 1024)]
    public int ParallelBatches { get; set; } = Environment.ProcessorCount;

    /// <summary>Threads ONNX Runtime uses across independent operators; 0 leaves the choice to ONNX Runtime.</summary>
    [Range(0, 1024)]
    public int InterOpNumThreads { get; set; }

    /// <summary>
    /// Whether ONNX Runtime's idle worker threads busy-wait for the next operator (its own default). Off by default:
    /// the services share their cores; measured, spinning gained nothing on an idle machine and lost ~40% on a busy one.
    /// </summary>
    public bool AllowSpinning { get; set; }
}
