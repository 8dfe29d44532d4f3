using System.ComponentModel.DataAnnotations;

namespace RagApp.Garnet;

/// <summary>Settings of the embedded Garnet server, bound from the "Garnet" configuration section.</summary>
public sealed class GarnetHostOptions
{
    public const string SectionName = "Garnet";

    /// <summary>Address to listen on. Loopback by default: the embedded server is for one machine.</summary>
    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";

    [Range(1, 65535)]
    public int Port { get; set; } = 6379;

    /// <summary>The password clients must send with AUTH. Required: the server never runs open.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Password { get; set; } = "";

    /// <summary>Where the append-only file, checkpoints and the on-disk storage tier live.</summary>
    [Required(AllowEmptyStrings = false)]
    public string DataDirectory { get; set; } = "";

    /// <summary>
    /// Main-log memory, covering the log pages and the values too large to sit in them (over 1 MB). Records beyond
    /// it move to the storage tier on disk rather than being dropped: without a storage tier Garnet silently evicts
    /// the oldest keys when memory fills.
    /// </summary>
    /// <remarks>
    /// Sizing: at least 16 MB (the page size follows from it, 1/8 of it up to 16 MB). The newest records cannot be
    /// moved to disk while they are written, so leave room for the large values in flight at once: 25 MB uploads
    /// four at a time want 128 MB or more; the default 256m leaves headroom. The ingest queue's byte budget
    /// (Ingest:Queue:MaxQueuedBytes) is bounded by the storage tier's disk, not by this: a 32 MB memory held a
    /// 192 MB budget in the tests.
    /// </remarks>
    [Required]
    public string MemorySize { get; set; } = "256m";

    /// <summary>Seconds between automatic checkpoints, which bound the AOF replay time on restart.</summary>
    [Range(0, 86_400)]
    public int CheckpointIntervalSeconds { get; set; } = 60;

    /// <summary>
    /// AOF commit interval in milliseconds; 0 commits every write as it happens. With <see cref="WaitForAofCommit"/>
    /// keep 0: a reply then waits for the next timed commit, and measured on 2 cores a 10 ms interval let through
    /// 40 queue writes/s where 0 let through over 1,000.
    /// </summary>
    [Range(0, 60_000)]
    public int AofCommitIntervalMilliseconds { get; set; }

    /// <summary>
    /// Whether a reply waits until the AOF holds the write it answers. On (the default), a write the server has
    /// acknowledged survives a crash of the server process: an upload answered 202 is never lost. Off, a crash loses
    /// up to <see cref="AofCommitIntervalMilliseconds"/> of acknowledged writes, for more writes per second
    /// (docs/configuration.md gives both figures).
    /// </summary>
    public bool WaitForAofCommit { get; set; } = true;
}
