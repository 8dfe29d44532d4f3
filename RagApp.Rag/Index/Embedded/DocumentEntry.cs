namespace RagApp.Rag.Index.Embedded;

/// <summary>A document in the embedded index and the table slots of its chunks, by ordinal.</summary>
internal sealed class DocumentEntry(IndexedDocument document, int[] slots)
{
    /// <summary>Replaced in place by a keep-chunks write, under the index's write lock.</summary>
    public IndexedDocument Document { get; set; } = document;
    public int[] Slots { get; } = slots;
}
