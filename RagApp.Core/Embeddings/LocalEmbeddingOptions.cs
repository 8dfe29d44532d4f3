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
    /// Most padded tokens (inputs × longest input) in one batch; bounds the memory of one model run,
    /// which grows with batch × length² in the attention layers.
    /// </summary>
    [Range(MiniLmEmbeddingGenerator.MaxTokens, 65_536)]
    public int MaxBatchTokens { get; set; } = 8_192;

    /// <summary>Threads ONNX Runtime uses inside one operator; 0 leaves the choice to ONNX Runtime (one per physical core).</summary>
    [Range(0, 256)]
    public int IntraOpNumThreads { get; set; }

    /// <summary>Threads ONNX Runtime uses across independent operators; 0 leaves the choice to ONNX Runtime.</summary>
    [Range(0, 256)]
    public int InterOpNumThreads { get; set; }
}
