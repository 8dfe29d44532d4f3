namespace RagApp.Core.Embeddings;

/// <summary>One text waiting in <see cref="EmbeddingBatcher"/> for its vector.</summary>
internal sealed class PendingEmbedding(string text, long sequence, CancellationToken cancellationToken)
{
    public string Text { get; } = text;

    /// <summary>Arrival order: the oldest waiting text is always in the next batch, so none waits forever.</summary>
    public long Sequence { get; } = sequence;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TaskCompletionSource<ReadOnlyMemory<float>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
