namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// What a repair of a log damaged in the middle did: the intact records it kept, the damaged regions it dropped
/// (a torn tail after them included), and where the original file was kept, byte for byte.
/// </summary>
internal sealed record LogRepairReport(string LogPath, string BackupPath, int KeptRecords, IReadOnlyList<DamagedRegion> DroppedRegions)
{
    public long DroppedBytes => DroppedRegions.Sum(region => region.Length);
}
