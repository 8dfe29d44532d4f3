namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// What opening the log found besides its records: a torn tail that was cut off (an unfinished write), and, when
/// repair was asked for and needed, the repair.
/// </summary>
internal sealed record WriteAheadLogRecovery(DamagedRegion? TornTail, LogRepairReport? Repair)
{
    public static readonly WriteAheadLogRecovery None = new(null, null);
}
