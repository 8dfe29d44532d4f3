namespace RagApp.Rag.Index.Embedded.Storage;

internal enum FrameStatus
{
    Complete,
    EndOfStream,
    /// <summary>Cut short or failing its checksum: a write the process did not finish.</summary>
    Damaged,
}
