namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// Append-only log of whole-document replace/delete records, each fsync'd before <see cref="Append"/> returns. The
/// file is opened exclusively, so two processes cannot share a data directory by accident.
/// </summary>
internal sealed class WriteAheadLog : IDisposable
{
    private static ReadOnlySpan<byte> Magic => "RAGWAL01"u8;

    private readonly FileStream _stream;
    private bool _faulted;

    private WriteAheadLog(FileStream stream, int recordCount)
    {
        _stream = stream;
        RecordCount = recordCount;
    }

    public long Length => _stream.Length;

    public int RecordCount { get; private set; }

    /// <summary>
    /// Opens (or creates) the log and reads every complete record. A damaged tail — a write cut short by a crash —
    /// is cut off and reported in <paramref name="discardedBytes"/>; everything before it is kept.
    /// </summary>
    public static WriteAheadLog Open(string path, out List<IndexRecord> records, out long discardedBytes)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0);
        }
        catch (IOException exception)
        {
            throw new IOException($"The index log {path} is in use by another process; each instance needs its own data directory.", exception);
        }

        try
        {
            records = [];
            discardedBytes = 0;
            if (stream.Length < Magic.Length)
            {
                // A crash while the log was being created.
                discardedBytes = stream.Length;
                stream.SetLength(0);
                stream.Write(Magic);
                stream.Flush(flushToDisk: true);
                return new WriteAheadLog(stream, 0);
            }

            Span<byte> magic = stackalloc byte[Magic.Length];
            stream.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic))
            {
                throw new InvalidDataException($"{path} is not a RagApp index log.");
            }

            var validEnd = stream.Position;
            while (RecordFraming.TryRead(stream, out var payload) == FrameStatus.Complete)
            {
                records.Add(IndexRecordCodec.Decode(payload));
                validEnd = stream.Position;
            }

            if (validEnd < stream.Length)
            {
                discardedBytes = stream.Length - validEnd;
                stream.SetLength(validEnd);
                stream.Flush(flushToDisk: true);
            }

            stream.Position = validEnd;
            return new WriteAheadLog(stream, records.Count);
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
                _stream.Write(RecordFraming.Frame(record));
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

    public void Reset()
    {
        _stream.SetLength(Magic.Length);
        _stream.Position = Magic.Length;
        _stream.Flush(flushToDisk: true);
        RecordCount = 0;
    }

    public void Dispose() => _stream.Dispose();
}
