using System.Numerics.Tensors;

namespace RagApp.Core.Embeddings;

/// <summary>Sentence-transformers' pooling for all-MiniLM-L6-v2: mean over the unmasked tokens, then L2 normalisation.</summary>
internal static class MeanPooling
{
    /// <param name="tokenEmbeddings">The first <paramref name="tokenCount"/> rows of one input's token embeddings; padding follows them and is ignored.</param>
    /// <param name="tokenCount">Tokens under the attention mask, which is always a prefix of the row.</param>
    /// <param name="destination">Receives the unit-length sentence embedding.</param>
    public static void PoolAndNormalize(ReadOnlySpan<float> tokenEmbeddings, int tokenCount, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenCount, 1);
        var dimensions = destination.Length;
        tokenEmbeddings[..dimensions].CopyTo(destination);
        for (var token = 1; token < tokenCount; token++)
        {
            TensorPrimitives.Add(destination, tokenEmbeddings.Slice(token * dimensions, dimensions), destination);
        }

        TensorPrimitives.Divide(destination, tokenCount, destination);
        // Same epsilon as torch.nn.functional.normalize, which sentence-transformers uses.
        var norm = Math.Max(TensorPrimitives.Norm(destination), 1e-12f);
        TensorPrimitives.Divide(destination, norm, destination);
    }
}
