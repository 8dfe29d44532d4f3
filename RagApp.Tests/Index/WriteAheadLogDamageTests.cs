using RagApp.Rag.Index.Embedded.Storage;
using static RagApp.Tests.Index.TestRecords;

namespace RagApp.Tests.Index;

/// <summary>
/// Damage in the log: a torn tail (nothing intact after it) is cut off silently; damage with intact records after it
/// stops the open with file and offset, and the repair keeps every intact record, reports the rest and keeps a backup.
/// </summary>
public sealed class WriteAheadLogDamageTests : IDisposable
{
    private static readonly DateTimeOffset RepairTime = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    public static TheoryData<string, int> DamageSpots => new()
    {
        { "sync marker", 0 },
        { "length", 8 },
        { "checksum", 12 },
        { "kind byte", 16 },
        { "middle of the payload", -1 },
        { "last payload byte", -2 },
    };

    [Theory]
    [MemberData(nameof(DamageSpots))]
    public void AFlippedByteInAMiddleRecord_StopsTheOpen_NamingFileAndOffset(string spot, int offsetInFrame)
    {
        var path = _directory.File("index.wal");
        var (_, frames) = WriteLog(path, 5);
        var damaged = frames[2];
        FlipByte(path, damaged.Offset + OffsetIn(damaged, offsetInFrame));
        var before = File.ReadAllBytes(path);

        var failure = Assert.Throws<DamagedLogException>(() => Open(path, repair: false, out _, out _));

        Assert.Equal(new DamagedRegion(damaged.Offset, damaged.Length), failure.Damage);
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
        Assert.Contains($"damaged at byte {damaged.Offset}", failure.Message, StringComparison.Ordinal);
        Assert.Contains("VectorStore:RepairDamagedLog=true", failure.Message, StringComparison.Ordinal);
        // Nothing was cut off: the intact records after the damage are still on disk for the repair.
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.NotEmpty(spot);
    }

    [Theory]
    [MemberData(nameof(DamageSpots))]
    public void Repair_KeepsEveryIntactRecord_ReportsTheDroppedBytes_AndKeepsTheOriginal(string spot, int offsetInFrame)
    {
        var path = _directory.File("index.wal");
        var (records, frames) = WriteLog(path, 5);
        var damaged = frames[2];
        FlipByte(path, damaged.Offset + OffsetIn(damaged, offsetInFrame));
        var damagedBytes = File.ReadAllBytes(path);

        using (var log = Open(path, repair: true, out var kept, out var recovery))
        {
            AssertSame([records[0], records[1], records[3], records[4]], kept);
            var repair = Assert.IsType<LogRepairReport>(recovery.Repair);
            Assert.Null(recovery.TornTail);
            Assert.Equal([new DamagedRegion(damaged.Offset, damaged.Length)], repair.DroppedRegions);
            Assert.Equal(damaged.Length, repair.DroppedBytes);
            Assert.Equal(4, repair.KeptRecords);
            Assert.Equal(path + ".damaged-20260304T050607Z", repair.BackupPath);
            Assert.Equal(damagedBytes, File.ReadAllBytes(repair.BackupPath));
            log.Append(Replace(6, "after repair", 2));
        }

        // The repaired log is clean: it opens without repair, with the kept records and the one appended after.
        using var reopened = Open(path, repair: false, out var afterRepair, out var again);
        Assert.Equal(WriteAheadLogRecovery.None, again);
        AssertSame([records[0], records[1], records[3], records[4], Replace(6, "after repair", 2)], afterRepair);
        Assert.NotEmpty(spot);
    }

    [Fact]
    public void Repair_DropsEachDamagedRegion_AndATornTailAfterThem()
    {
        var path = _directory.File("index.wal");
        var (records, frames) = WriteLog(path, 7);
        FlipByte(path, frames[1].Offset + 20);
        FlipByte(path, frames[2].Offset + 20);
        FlipByte(path, frames[4].Offset + 3);
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 5);
        }

        using var log = Open(path, repair: true, out var kept, out var recovery);

        AssertSame([records[0], records[3], records[5]], kept);
        Assert.Equal(
            [
                new DamagedRegion(frames[1].Offset, frames[1].Length + frames[2].Length),
                new DamagedRegion(frames[4].Offset, frames[4].Length),
                new DamagedRegion(frames[6].Offset, frames[6].Length - 5),
            ],
            recovery.Repair!.DroppedRegions);
        Assert.Equal(3, recovery.Repair.KeptRecords);
    }

    [Fact]
    public void ABackupIsNeverOverwritten_ByASecondRepairInTheSameSecond()
    {
        var path = _directory.File("index.wal");
        var (_, frames) = WriteLog(path, 3);
        var existing = path + ".damaged-20260304T050607Z";
        File.WriteAllText(existing, "an earlier backup");
        FlipByte(path, frames[1].Offset + 20);

        using var log = Open(path, repair: true, out _, out var recovery);

        Assert.Equal(existing + "-1", recovery.Repair!.BackupPath);
        Assert.Equal("an earlier backup", File.ReadAllText(existing));
    }

    [Fact]
    public void DamageInTheFirstRecord_WithRecordsAfterIt_IsDamageInTheMiddle()
    {
        var path = _directory.File("index.wal");
        var (records, frames) = WriteLog(path, 3);
        FlipByte(path, frames[0].Offset + 9);

        var failure = Assert.Throws<DamagedLogException>(() => Open(path, repair: false, out _, out _));
        Assert.Equal(new DamagedRegion(frames[0].Offset, frames[0].Length), failure.Damage);

        using var log = Open(path, repair: true, out var kept, out _);
        AssertSame(records[1..], kept);
    }

    [Fact]
    public void ARepairCutShortByACrash_IsDoneAgain_FromTheUntouchedOriginal()
    {
        var path = _directory.File("index.wal");
        var (records, frames) = WriteLog(path, 3);
        FlipByte(path, frames[1].Offset + 20);
        // A crash after the repaired copy was started but before it was renamed over the log.
        File.WriteAllBytes(path + ".repair", "RAGWAL02 half written"u8.ToArray());

        using (var log = Open(path, repair: true, out var kept, out var recovery))
        {
            AssertSame([records[0], records[2]], kept);
            Assert.NotNull(recovery.Repair);
        }

        Assert.False(File.Exists(path + ".repair"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(-1)]
    public void DamageInTheLastRecordOnly_IsATornTail_CutOffSilently(int offsetInFrame)
    {
        var path = _directory.File("index.wal");
        var (records, frames) = WriteLog(path, 4);
        var last = frames[^1];
        FlipByte(path, last.Offset + OffsetIn(last, offsetInFrame));

        using (var log = Open(path, repair: false, out var kept, out var recovery))
        {
            AssertSame(records[..3], kept);
            Assert.Equal(new DamagedRegion(last.Offset, last.Length), recovery.TornTail);
            Assert.Null(recovery.Repair);
            Assert.Equal(last.Offset, new FileInfo(path).Length);
            log.Append(Replace(4, "after", 1));
        }

        using var reopened = Open(path, repair: false, out var after, out _);
        AssertSame([.. records[..3], Replace(4, "after", 1)], after);
    }

    [Fact]
    public void ATornTailWithRepairOn_IsCutOff_WithoutABackup()
    {
        var path = _directory.File("index.wal");
        var (records, frames) = WriteLog(path, 3);
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 1);
        }

        using var log = Open(path, repair: true, out var kept, out var recovery);

        AssertSame(records[..2], kept);
        Assert.Equal(new DamagedRegion(frames[2].Offset, frames[2].Length - 1), recovery.TornTail);
        Assert.Null(recovery.Repair);
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.damaged-*"));
    }

    [Fact]
    public void ADamagedHeader_IsRefused_NotReadAsAnEmptyLog()
    {
        var path = _directory.File("index.wal");
        WriteLog(path, 2);
        FlipByte(path, 10);

        var failure = Assert.Throws<InvalidDataException>(() => Open(path, repair: true, out _, out _));

        Assert.Contains("header", failure.Message, StringComparison.Ordinal);
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AFormat1Log_Loads_TakesAppends_AndBecomesFormat2WhenEmptied()
    {
        var path = _directory.File("index.wal");
        var records = WriteFormat1Log(path, 3, out _);

        using (var log = Open(path, repair: false, out var read, out var recovery))
        {
            AssertSame(records, read);
            Assert.Equal(WriteAheadLogRecovery.None, recovery);
            log.Append(Replace(4, "appended", 2));
        }

        using (var log = Open(path, repair: false, out var read, out _))
        {
            AssertSame([.. records, Replace(4, "appended", 2)], read);
            log.Reset();
        }

        Assert.Equal("RAGWAL02"u8.ToArray(), File.ReadAllBytes(path)[..8]);
        using var emptied = Open(path, repair: false, out var none, out _);
        Assert.Empty(none);
    }

    [Fact]
    public void AFormat1LogDamagedInTheMiddle_StopsTheOpen_AndRepairsToFormat2()
    {
        var path = _directory.File("index.wal");
        var records = WriteFormat1Log(path, 4, out var frames);
        FlipByte(path, frames[1].Offset + 30);

        var failure = Assert.Throws<DamagedLogException>(() => Open(path, repair: false, out _, out _));
        Assert.Equal(new DamagedRegion(frames[1].Offset, frames[1].Length), failure.Damage);

        using (var log = Open(path, repair: true, out var kept, out var recovery))
        {
            AssertSame([records[0], records[2], records[3]], kept);
            Assert.Equal([new DamagedRegion(frames[1].Offset, frames[1].Length)], recovery.Repair!.DroppedRegions);
        }

        Assert.Equal("RAGWAL02"u8.ToArray(), File.ReadAllBytes(path)[..8]);
    }

    [Fact]
    public void AFormat1LogWithATornTail_IsCutOffSilently()
    {
        var path = _directory.File("index.wal");
        var records = WriteFormat1Log(path, 3, out var frames);
        FlipByte(path, frames[2].Offset + 30);

        using var log = Open(path, repair: false, out var kept, out var recovery);

        AssertSame(records[..2], kept);
        Assert.Equal(new DamagedRegion(frames[2].Offset, frames[2].Length), recovery.TornTail);
    }

    private static long OffsetIn(DamagedRegion frame, int offsetInFrame) => offsetInFrame switch
    {
        -1 => frame.Length / 2,
        -2 => frame.Length - 1,
        _ => offsetInFrame,
    };

    private static WriteAheadLog Open(string path, bool repair, out List<IndexRecord> records, out WriteAheadLogRecovery recovery) =>
        WriteAheadLog.Open(path, repair, new FixedClock(RepairTime), out records, out recovery);

    /// <summary>A log of <paramref name="count"/> replace records of growing size, and where each frame lies.</summary>
    private static (IndexRecord[] Records, DamagedRegion[] Frames) WriteLog(string path, int count)
    {
        var records = Enumerable.Range(1, count).Select(generation => (IndexRecord)Replace(generation, $"doc-{generation}", generation)).ToArray();
        var frames = new DamagedRegion[count];
        using var log = WriteAheadLog.Open(path, repairDamage: false, TimeProvider.System, out _, out _);
        for (var i = 0; i < count; i++)
        {
            var start = log.Length;
            log.Append(records[i]);
            frames[i] = new DamagedRegion(start, log.Length - start);
        }

        return (records, frames);
    }

    /// <summary>A log as format 1 wrote it: magic <c>RAGWAL01</c>, frames without a sync marker.</summary>
    private static IndexRecord[] WriteFormat1Log(string path, int count, out DamagedRegion[] frames)
    {
        var records = Enumerable.Range(1, count).Select(generation => (IndexRecord)Replace(generation, $"doc-{generation}", 2)).ToArray();
        frames = new DamagedRegion[count];
        using var file = new FileStream(path, FileMode.CreateNew);
        file.Write("RAGWAL01"u8);
        for (var i = 0; i < count; i++)
        {
            var frame = RecordFraming.Frame(records[i]);
            frames[i] = new DamagedRegion(file.Position, frame.Count);
            file.Write(frame);
        }

        return records;
    }

    private static void FlipByte(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x5A));
    }
}
