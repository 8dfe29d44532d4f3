using System.IO.Hashing;
using System.Security.Cryptography;

namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// Append-only log of whole-document replace/delete records, each fsync'd before <see cref="Append"/> returns. The
/// file is opened exclusively, so two processes cannot share a data directory by accident.
/// </summary>
/// <remarks>
/// Format 2 (<c>RAGWAL02</c>): magic, an 8-byte random sync marker, a CRC-32 of both; then frames that each start
/// with the marker (<see cref="RecordFraming"/>), so a reader can resynchronise after damage. Format 1
/// (<c>RAGWAL01</c>): magic, then frames without a marker; such a log still loads and takes appends, and becomes
/// format 2 when a snapshot empties it.
/// </remarks>
internal sealed class WriteAheadLog : IDisposable
{
    private const int MarkerSize = 8;
    private const string RepairSuffix = ".repair";

    private static ReadOnlySpan<byte> MagicV1 => "RAGWAL01"u8;

    private static ReadOnlySpan<byte> MagicV2 => "RAGWAL02"u8;

    private static int HeaderSizeV2 => MagicV2.Length + MarkerSize + sizeof(uint);

    private FileStream _stream;
    private byte[] _marker;
    private bool _faulted;

    private WriteAheadLog(FileStream stream, byte[] marker, int recordCount)
    {
        _stream = stream;
        _marker = marker;
        RecordCount = recordCount;
    }

    public long Length => _stream.Length;

    public int RecordCount { get; private set; }

    /// <summary>
    /// Opens (or creates) the log and reads every intact record. Damage that reaches the end of the file — a write
    /// cut short by a crash — is cut off and reported as <see cref="WriteAheadLogRecovery.TornTail"/>. Damage with
    /// intact records after it throws <see cref="DamagedLogException"/>, unless <paramref name="repairDamage"/>:
    /// then every intact record is kept, the original is copied to a backup, and the log is rewritten without the
    /// damaged bytes (<see cref="WriteAheadLogRecovery.Repair"/>).
    /// </summary>
    public static WriteAheadLog Open(
        string path, bool repairDamage, TimeProvider timeProvider, out List<IndexRecord> records, out WriteAheadLogRecovery recovery)
    {
        // A repair cut short by a crash: the original (and its backup) are intact, the repair runs again.
        File.Delete(path + RepairSuffix);
        var stream = OpenExclusive(path, FileMode.OpenOrCreate);
        try
        {
            records = [];
            recovery = WriteAheadLogRecovery.None;
            var marker = ReadHeader(stream, path);
            if (marker is null)
            {
                // A crash while the log was being created (or emptied and upgraded): it held nothing yet.
                if (stream.Length > 0)
                {
                    recovery = new WriteAheadLogRecovery(new DamagedRegion(0, stream.Length), null);
                }

                marker = NewMarker();
                stream.SetLength(0);
                stream.Write(HeaderV2(marker));
                stream.Flush(flushToDisk: true);
                return new WriteAheadLog(stream, marker, 0);
            }

            var dropped = new List<DamagedRegion>();
            DamagedRegion? tornTail = null;
            while (true)
            {
                var start = stream.Position;
                var status = RecordFraming.TryRead(stream, marker, out var payload);
                if (status == FrameStatus.Complete)
                {
                    records.Add(IndexRecordCodec.Decode(payload));
                    continue;
                }

                if (status == FrameStatus.EndOfStream)
                {
                    break;
                }

                var next = FrameScanner.FindNextIntactFrame(stream, start + 1, marker);
                if (next < 0)
                {
                    tornTail = new DamagedRegion(start, stream.Length - start);
                    break;
                }

                var damage = new DamagedRegion(start, next - start);
                if (!repairDamage)
                {
                    throw new DamagedLogException(path, damage);
                }

                dropped.Add(damage);
                stream.Position = next;
            }

            if (dropped.Count > 0)
            {
                if (tornTail is { } tail)
                {
                    dropped.Add(tail);
                }

                var report = Repair(ref stream, path, records, dropped, timeProvider, out marker);
                recovery = new WriteAheadLogRecovery(null, report);
                return new WriteAheadLog(stream, marker, records.Count);
            }

            if (tornTail is { } torn)
            {
                stream.SetLength(torn.Offset);
                stream.Flush(flushToDisk: true);
                recovery = new WriteAheadLogRecovery(torn, null);
            }

            stream.Position = stream.Length;
            return new WriteAheadLog(stream, marker, records.Count);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Appends a record durably. On failure the log is put back as it was, so no half record stays in it.</summary>
    public void Append(IndexRecord record) => AppendAll([record]);

    /// <summary>Appends the records with one fsync for all of them; on failure none of them is kept.</summary>
    public void AppendAll(IReadOnlyList<IndexRecord> records)
    {
        if (_faulted)
        {
            throw new IOException("The index log could not be restored after a failed write; restart the service.");
        }

        var start = _stream.Position;
        try
        {
            foreach (var record in records)
            {
                _stream.Write(RecordFraming.Frame(record, _marker));
            }

            _stream.Flush(flushToDisk: true);
            RecordCount += records.Count;
        }
        catch (IOException)
        {
            try
            {
                _stream.SetLength(start);
                _stream.Position = start;
            }
            catch (IOException)
            {
                _faulted = true;
            }

            throw;
        }
    }

    /// <summary>Empties the log (its records are in a snapshot); a log of format 1 is rewritten as format 2.</summary>
    public void Reset()
    {
        if (_marker.Length == 0)
        {
            // A crash mid-way leaves less than a header, which opens as an empty log: the snapshot holds everything.
            _marker = NewMarker();
            _stream.SetLength(0);
            _stream.Write(HeaderV2(_marker));
        }
        else
        {
            _stream.SetLength(HeaderSizeV2);
        }

        _stream.Position = _stream.Length;
        _stream.Flush(flushToDisk: true);
        RecordCount = 0;
    }

    public void Dispose() => _stream.Dispose();

    private static FileStream OpenExclusive(string path, FileMode mode)
    {
        try
        {
            return new FileStream(path, mode, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException exception)
        {
            throw new IOException($"The index log {path} is in use by another process; each instance needs its own data directory.", exception);
        }
    }

    /// <summary>The sync marker (empty for format 1), with the stream after the header; null for a log cut short inside its header.</summary>
    private static byte[]? ReadHeader(FileStream stream, string path)
    {
        Span<byte> magic = stackalloc byte[MagicV2.Length];
        if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) < magic.Length)
        {
            return null;
        }

        if (magic.SequenceEqual(MagicV1))
        {
            return [];
        }

        if (!magic.SequenceEqual(MagicV2))
        {
            throw new InvalidDataException($"{path} is not a RagApp index log.");
        }

        var rest = new byte[MarkerSize + sizeof(uint)];
        if (stream.ReadAtLeast(rest, rest.Length, throwOnEndOfStream: false) < rest.Length)
        {
            return null;
        }

        var marker = rest[..MarkerSize];
        if (!HeaderV2(marker).AsSpan().SequenceEqual([.. magic, .. rest]))
        {
            // Without its marker no frame can be told from noise; a repair could not keep anything safely.
            throw new InvalidDataException(
                $"The header of the index log {path} is damaged (checksum mismatch in its first {HeaderSizeV2} bytes); its records cannot be read.");
        }

        return marker;
    }

    private static byte[] NewMarker() => RandomNumberGenerator.GetBytes(MarkerSize);

    private static byte[] HeaderV2(byte[] marker)
    {
        var header = new byte[HeaderSizeV2];
        MagicV2.CopyTo(header);
        marker.CopyTo(header, MagicV2.Length);
        Crc32.Hash(header.AsSpan(0, MagicV2.Length + MarkerSize), header.AsSpan(MagicV2.Length + MarkerSize));
        return header;
    }

    /// <summary>
    /// Copies the damaged log to a backup, writes the intact records to a new log beside it, fsyncs and renames it
    /// over the original: a crash at any point leaves either the damaged log (repaired again on the next start) or
    /// the repaired one, and the backup keeps the evidence.
    /// </summary>
    private static LogRepairReport Repair(
        ref FileStream stream, string path, List<IndexRecord> records, List<DamagedRegion> dropped, TimeProvider timeProvider, out byte[] marker)
    {
        var backupPath = CopyToBackup(stream, path, timeProvider.GetUtcNow());
        marker = NewMarker();
        var repairedPath = path + RepairSuffix;
        using (var repaired = new FileStream(repairedPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
        {
            repaired.Write(HeaderV2(marker));
            foreach (var record in records)
            {
                repaired.Write(RecordFraming.Frame(record, marker));
            }

            repaired.Flush(flushToDisk: true);
        }

        stream.Dispose();
        File.Move(repairedPath, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
        stream = OpenExclusive(path, FileMode.Open);
        stream.Position = stream.Length;
        return new LogRepairReport(path, backupPath, records.Count, dropped);
    }

    private static string CopyToBackup(FileStream stream, string path, DateTimeOffset now)
    {
        var stem = $"{path}.damaged-{now.UtcDateTime:yyyyMMdd'T'HHmmss'Z'}";
        for (var attempt = 0; ; attempt++)
        {
            var backupPath = attempt == 0 ? stem : $"{stem}-{attempt}";
            FileStream backup;
            try
            {
                // CreateNew: a repair never overwrites an earlier backup.
                backup = new FileStream(backupPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
            }
            catch (IOException) when (File.Exists(backupPath))
            {
                continue;
            }

            using (backup)
            {
                stream.Position = 0;
                stream.CopyTo(backup);
                backup.Flush(flushToDisk: true);
            }

            return backupPath;
        }
    }
}
