using RagApp.Rag.Index;
using RagApp.Rag.Index.Embedded;

namespace RagApp.Tests.Index;

/// <summary>
/// What the index should hold, kept the simplest way: per document id the highest version applied (a tombstone once the
/// document is gone) and the live document with its chunks. The rules are written out here from the store's contract
/// (<see cref="IVectorStore"/>, <see cref="DocumentVersions"/>) rather than calling them, so the model can disagree.
/// </summary>
internal sealed class IndexModel
{
    private readonly Dictionary<string, long> _heldVersions = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, HeldDocument> _documents = new(StringComparer.Ordinal);

    /// <summary>One applied write per change; a refused, superseded or chunks-missing write and a no-op delete change nothing.</summary>
    public long Generation { get; private set; }

    public string EmbeddingModel { get; private set; } = "";

    public int EmbeddingDimensions { get; private set; }

    /// <summary>Live documents in ordinal id order: the order the store lists them in.</summary>
    public IReadOnlyDictionary<string, HeldDocument> Documents => _documents;

    public int ChunkCount => _documents.Values.Sum(document => document.Chunks.Count);

    public HeldDocument? Find(string documentId) => _documents.GetValueOrDefault(documentId);

    /// <summary>
    /// Applies one write as <see cref="IVectorStore.ReplaceDocumentsAsync"/> answers it. <paramref name="badChunks"/>: the
    /// chunk list breaks the store's invariants, so the write is refused before anything else is looked at.
    /// </summary>
    public DocumentReplacementResult Replace(DocumentReplacement replacement, bool badChunks)
    {
        if (badChunks)
        {
            return DocumentReplacementResult.Refused(new ArgumentException("bad chunks"));
        }

        var document = replacement.Document;
        var held = _heldVersions.GetValueOrDefault(document.DocumentId);
        if (document.Version > 0 && document.Version < held)
        {
            return new DocumentReplacementResult(Generation, null) { Superseded = true, CurrentVersion = held };
        }

        if (EmbeddingDimensions != 0 && (document.EmbeddingModel != EmbeddingModel || document.EmbeddingDimensions != EmbeddingDimensions))
        {
            return DocumentReplacementResult.Refused(new EmbeddingModelMismatchException());
        }

        var current = Find(document.DocumentId);
        if (replacement.KeepChunks)
        {
            if (current is null
                || current.Document.ContentHash != document.ContentHash
                || current.Document.ChunkCount != document.ChunkCount
                || current.Document.EmbeddingModel != document.EmbeddingModel
                || current.Document.EmbeddingDimensions != document.EmbeddingDimensions)
            {
                return new DocumentReplacementResult(Generation, null) { ChunksMissing = true, CurrentVersion = held };
            }

            _documents[document.DocumentId] = current with { Document = document with { ChunkCount = current.Chunks.Count } };
        }
        else
        {
            // The store hands vectors back L2-normalised (it keeps them so for cosine search).
            var stored = replacement.Chunks.Select(chunk => chunk with { Vector = Normalized(chunk.Vector.Span) }).ToList();
            _documents[document.DocumentId] = new HeldDocument(document with { ChunkCount = stored.Count }, stored);
            if (EmbeddingDimensions == 0)
            {
                (EmbeddingModel, EmbeddingDimensions) = (document.EmbeddingModel, document.EmbeddingDimensions);
            }
        }

        Generation++;
        var after = Math.Max(held, document.Version);
        Hold(document.DocumentId, after);
        return new DocumentReplacementResult(Generation, null) { CurrentVersion = after };
    }

    /// <summary>Applies a delete as <see cref="IVectorStore.DeleteDocumentAsync"/> answers it.</summary>
    public DocumentDeletion Delete(string documentId, long version)
    {
        var held = _heldVersions.GetValueOrDefault(documentId);
        if (version > 0 && version < held)
        {
            return new DocumentDeletion(false, 0, Generation) { Superseded = true, CurrentVersion = held };
        }

        var after = Math.Max(held, version);
        var current = Find(documentId);
        if (current is null && after == held)
        {
            // Nothing to remove and no newer tombstone to leave: not a change.
            return new DocumentDeletion(false, 0, Generation) { CurrentVersion = held };
        }

        _documents.Remove(documentId);
        Hold(documentId, after);
        Generation++;
        return new DocumentDeletion(current is not null, current?.Chunks.Count ?? 0, Generation) { CurrentVersion = after };
    }

    private static float[] Normalized(ReadOnlySpan<float> vector)
    {
        var normalized = new float[vector.Length];
        VectorMath.Normalize(vector, normalized);
        return normalized;
    }

    private void Hold(string documentId, long version)
    {
        if (version > 0)
        {
            _heldVersions[documentId] = version;
        }
    }

    /// <summary>A live document and its chunks by ordinal, vectors as the store returns them.</summary>
    public sealed record HeldDocument(IndexedDocument Document, IReadOnlyList<IndexedChunk> Chunks);
}
