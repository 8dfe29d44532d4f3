namespace RagApp.Core.Embeddings;

/// <summary>One model run's inputs: which caller inputs it holds and how far they are padded.</summary>
internal readonly ref struct MiniLmBatch
{
    private readonly long[] _tokenIds;
    private readonly int[] _tokenCounts;

    /// <param name="indices">Caller positions of the inputs in this batch, longest first.</param>
    /// <param name="paddedLength">Token count of the longest input in the batch.</param>
    /// <param name="tokenIds">Every input's token ids, each in its own <see cref="MiniLmEmbeddingGenerator.MaxTokens"/> slot.</param>
    /// <param name="tokenCounts">Every input's token count.</param>
    public MiniLmBatch(ReadOnlySpan<int> indices, int paddedLength, long[] tokenIds, int[] tokenCounts)
    {
        Indices = indices;
        PaddedLength = paddedLength;
        _tokenIds = tokenIds;
        _tokenCounts = tokenCounts;
    }

    public ReadOnlySpan<int> Indices { get; }

    public int PaddedLength { get; }

    public int TokenCount(int row) => _tokenCounts[Indices[row]];

    /// <summary>Writes the row-major [rows, PaddedLength] input_ids and attention_mask tensors.</summary>
    public void Fill(Span<long> inputIds, Span<long> attentionMask, long padTokenId)
    {
        for (var row = 0; row < Indices.Length; row++)
        {
            var tokens = TokenCount(row);
            var ids = inputIds.Slice(row * PaddedLength, PaddedLength);
            _tokenIds.AsSpan(Indices[row] * MiniLmEmbeddingGenerator.MaxTokens, tokens).CopyTo(ids);
            ids[tokens..].Fill(padTokenId);
            var mask = attentionMask.Slice(row * PaddedLength, PaddedLength);
            mask[..tokens].Fill(1);
            mask[tokens..].Clear();
        }
    }
}
