using RagApp.Core.Documents;

namespace RagApp.Rag.Index;

/// <summary>
/// The invariants every store relies on, checked before anything is written: ordinals 0..n-1 each once, chunk ids
/// derived from (document id, ordinal), every vector of the document's dimension with finite, non-zero values.
/// The gRPC service reports the same problems field by field; this is the store's own guard.
/// </summary>
internal static class ChunkListValidator
{
    public static void Validate(IndexedDocument document, IReadOnlyList<IndexedChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(chunks);
        ArgumentException.ThrowIfNullOrEmpty(document.DocumentId, nameof(document));
        ArgumentException.ThrowIfNullOrEmpty(document.EmbeddingModel, nameof(document));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(document.EmbeddingDimensions, nameof(document));

        var seen = new bool[chunks.Count];
        foreach (var chunk in chunks)
        {
            if (chunk.Ordinal < 0 || chunk.Ordinal >= chunks.Count || seen[chunk.Ordinal])
            {
                throw new ArgumentException($"Chunk ordinals must be 0..{chunks.Count - 1}, each once; {chunk.Ordinal} is not.", nameof(chunks));
            }

            seen[chunk.Ordinal] = true;
            if (!string.Equals(chunk.ChunkId, ChunkIds.Create(document.DocumentId, chunk.Ordinal), StringComparison.Ordinal))
            {
                throw new ArgumentException($"Chunk {chunk.Ordinal} has id '{chunk.ChunkId}', not the one derived from its document and ordinal.", nameof(chunks));
            }

            if (chunk.Vector.Length != document.EmbeddingDimensions)
            {
                throw new ArgumentException($"Chunk {chunk.Ordinal} has {chunk.Vector.Length} dimensions, the document {document.EmbeddingDimensions}.", nameof(chunks));
            }

            if (!IsUsable(chunk.Vector.Span))
            {
                throw new ArgumentException($"Chunk {chunk.Ordinal} has a zero vector or one with non-finite values.", nameof(chunks));
            }
        }
    }

    public static bool IsUsable(ReadOnlySpan<float> vector)
    {
        var nonZero = false;
        foreach (var value in vector)
        {
            if (!float.IsFinite(value))
            {
                return false;
            }

            nonZero |= value != 0;
        }

        return nonZero;
    }
}
