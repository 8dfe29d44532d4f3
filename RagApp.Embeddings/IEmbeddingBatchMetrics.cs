namespace RagApp.Core.Embeddings;

/// <summary>
/// Where <see cref="EmbeddingBatcher"/> reports each model call. Every service that embeds records under its own meter
/// (the worker as "RagApp.Ingest", RagApp.Rag as "RagApp.Rag"), so each dashboard shows its own batches.
/// </summary>
public interface IEmbeddingBatchMetrics
{
    /// <summary>One model call ended: <paramref name="succeeded"/> false when it threw and its texts got the exception.</summary>
    void RecordBatch(int size, TimeSpan duration, bool succeeded);
}
