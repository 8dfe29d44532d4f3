namespace RagApp.Rag.Index.Embedded;

/// <summary>What a table slot holds besides its vector: the chunk (without vector) and the document it belongs to.</summary>
internal sealed class StoredChunk(IndexedChunk chunk, DocumentEntry document)
{
    public IndexedChunk Chunk { get; } = chunk;
    public DocumentEntry Document { get; } = document;
}
