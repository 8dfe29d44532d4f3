namespace RagApp.Rag.Index.Embedded;

/// <summary>A document in the embedded index and the table slots of its chunks, by ordinal.</summary>
internal sealed class DocumentEntry(IndexedDocument document, int[] slots)
{
    public IndexedDocument Document { get; } = document;
    public int[] Slots { get; } = slots;
}
