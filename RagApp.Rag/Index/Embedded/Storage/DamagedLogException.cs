namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// The write-ahead log is damaged with intact records after the damage: not a crash mid-write (that only tears the
/// tail), so starting would silently serve an index without those records. Names the file, the byte offset and the
/// setting that repairs it.
/// </summary>
internal sealed class DamagedLogException(string logPath, DamagedRegion damage)
    : IOException(
        $"The index log {logPath} is damaged at byte {damage.Offset}: {damage.Length} bytes hold no intact record, and intact "
        + $"records follow from byte {damage.Offset + damage.Length}. Start-up stops rather than serve an index without them. "
        + $"To keep every intact record and drop only the damaged bytes, start once with {RepairSetting}=true; the damaged "
        + "file is kept next to the log as a backup (.damaged-<time>).")
{
    public const string RepairSetting = $"{VectorStoreOptions.SectionName}:{nameof(VectorStoreOptions.RepairDamagedLog)}";

    public string LogPath { get; } = logPath;

    public DamagedRegion Damage { get; } = damage;
}
