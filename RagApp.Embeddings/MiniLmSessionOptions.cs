using Microsoft.ML.OnnxRuntime;

namespace RagApp.Core.Embeddings;

/// <summary>ONNX Runtime settings for the MiniLM session, from <see cref="LocalEmbeddingOptions"/>.</summary>
internal static class MiniLmSessionOptions
{
    public static SessionOptions Create(LocalEmbeddingOptions options)
    {
        var sessionOptions = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            // Inter-op threads are only used by parallel execution; BERT's graph is a chain, so sequential unless asked.
            ExecutionMode = options.InterOpNumThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
        };
        sessionOptions.AddSessionConfigEntry("session.intra_op.allow_spinning", options.AllowSpinning ? "1" : "0");
        sessionOptions.AddSessionConfigEntry("session.inter_op.allow_spinning", options.AllowSpinning ? "1" : "0");

        if (options.IntraOpNumThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = options.IntraOpNumThreads;
        }

        if (options.InterOpNumThreads > 0)
        {
            sessionOptions.InterOpNumThreads = options.InterOpNumThreads;
        }

        return sessionOptions;
    }
}
