namespace RagApp.Rag.Index.Embedded.Storage;

internal enum FrameStatus
{
    Complete,
    EndOfStream,
    /// <summary>Cut short, without its sync marker or failing its checksum: an unfinished write, or damage.</summary>
    Damaged,
}
