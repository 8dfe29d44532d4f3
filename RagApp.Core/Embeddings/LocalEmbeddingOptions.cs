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
    /// Most padded tokens (inputs × longest input) in one batch. Small on purpose: measured on 2 cores, ~230-token
    /// chunks embed ~40% faster per CPU-second one or two at a time than 32 at a time (the activations of a big
    /// batch fall out of cache), while short, query-sized inputs still run ~28 to a batch, twice as fast as alone.
    /// </summary>
    [Range(MiniLmEmbeddingGenerator.MaxTokens, 65_536)]
    public int MaxBatchTokens { get; set; } = 512;

    /// <summary>Threads ONNX Runtime uses inside one operator; 0 leaves the choice to ONNX Runtime (one per physical core).</summary>
    [Range(0, 256)]
    public int IntraOpNumThreads { get; set; }

    /// <summary>Threads ONNX Runtime uses across independent operators; 0 leaves the choice to ONNX Runtime.</summary>
    [Range(0, 256)]
    public int InterOpNumThreads { get; set; }

    /// <summary>
    /// Whether ONNX Runtime's idle worker threads busy-wait for the next operator (its own default). Off by default:
    /// the services share their cores, and spinning burns CPU the others need.
    /// </summary>
    public bool AllowSpinning { get; set; }
}
