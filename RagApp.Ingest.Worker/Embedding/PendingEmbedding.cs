namespace RagApp.Ingest.Worker.Embedding;

/// <summary>One text waiting in <see cref="EmbeddingBatcher"/> for its vector.</summary>
internal sealed class PendingEmbedding(string text, CancellationToken cancellationToken)
{
    public string Text { get; } = text;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public TaskCompletionSource<ReadOnlyMemory<float>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
