namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>Bytes of the log that hold no intact frame: from <see cref="Offset"/>, <see cref="Length"/> bytes long.</summary>
internal readonly record struct DamagedRegion(long Offset, long Length)
{
    public override string ToString() => $"{Length} bytes at byte {Offset}";
}
