using Microsoft.Extensions.Logging;

namespace RagApp.Core.Embeddings;

internal static partial class EmbeddingLog
{
    [LoggerMessage(1, LogLevel.Information,
        "Loaded local embedding model {ModelId} in {ElapsedMilliseconds:F0} ms (intra-op threads {IntraOpNumThreads}, inter-op threads {InterOpNumThreads}, 0 = ONNX Runtime default; batches of up to {MaxBatchSize} inputs and {MaxBatchTokens} padded tokens, {ParallelBatches} at a time)")]
    public static partial void LocalModelLoaded(ILogger logger, string modelId, double elapsedMilliseconds, int intraOpNumThreads, int interOpNumThreads, int maxBatchSize, int maxBatchTokens, int parallelBatches);

    [LoggerMessage(2, LogLevel.Information, "Embeddings come from {Provider} at {Endpoint}, model {Model}")]
    public static partial void RemoteProviderSelected(ILogger logger, string provider, string endpoint, string model);
}
