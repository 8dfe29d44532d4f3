using RagApp.Rag.Index.Embedded.Storage;
using static RagApp.Tests.Index.TestRecords;

namespace RagApp.Tests.Index;

public sealed class WriteAheadLogTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Records_RoundTrip_ThroughTheFile()
    {
        var path = _directory.File("roundtrip.wal");
        var replace = Replace(1, "doc", 3);
        using (var log = Open(path, out var initial, out _))
        {
            Assert.Empty(initial);
            log.Append(replace);
            log.Append(new DeleteDocumentRecord(2, "doc"));
        }

        using var reopened = Open(path, out var records, out var recovery);

        Assert.Equal(WriteAheadLogRecovery.None, recovery);
        AssertSame([replace, new DeleteDocumentRecord(2, "doc")], records);
    }

    [Fact]
    public void ATailCutAtAnyByte_KeepsEveryRecordBeforeIt()
    {
        var path = _directory.File("torn.wal");
        long lengthAfterFirst;
        long fullLength;
        using (var log = Open(path, out _, out _))
        {
            log.Append(Replace(1, "first", 2));
            lengthAfterFirst = log.Length;
            log.Append(Replace(2, "second", 2));
            fullLength = log.Length;
        }

        var original = File.ReadAllBytes(path);
        for (var cut = lengthAfterFirst; cut < fullLength; cut++)
        {
            File.WriteAllBytes(path, original.AsSpan(0, (int)cut).ToArray());

            using var log = Open(path, out var records, out var recovery);

            Assert.Equal(1, Assert.Single(records).Generation);
            Assert.Equal(cut == lengthAfterFirst ? null : new DamagedRegion(lengthAfterFirst, cut - lengthAfterFirst), recovery.TornTail);
            Assert.Equal(lengthAfterFirst, new FileInfo(path).Length);
        }
    }

    [Fact]
    public void ALogCutInsideItsHeader_StartsEmpty()
    {
        var path = _directory.File("new.wal");
        File.WriteAllBytes(path, "RAGWAL02abc"u8.ToArray());

        using (var log = Open(path, out var records, out var recovery))
        {
            Assert.Empty(records);
            Assert.Equal(new DamagedRegion(0, 11), recovery.TornTail);
            log.Append(Replace(1, "after", 1));
        }

        using var reopened = Open(path, out var after, out _);
        AssertSame([Replace(1, "after", 1)], after);
    }

    [Fact]
    public void AForeignFile_IsRefused()
    {
        var path = _directory.File("foreign.wal");
        File.WriteAllBytes(path, "NOT A RAGAPP LOG"u8.ToArray());

        Assert.Throws<InvalidDataException>(() => Open(path, out _, out _));
    }

    private static WriteAheadLog Open(string path, out List<IndexRecord> records, out WriteAheadLogRecovery recovery) =>
        WriteAheadLog.Open(path, repairDamage: false, TimeProvider.System, out records, out recovery);
}
