namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// The whole index as one file: magic, a header record, one replace record per document, the held versions the
/// documents alone do not carry (tombstones), an end record — each
/// framed with a checksum. Written to a temporary file, fsync'd and renamed over the old one, so a crash leaves
/// either the old or the new snapshot, never a mix.
/// </summary>
internal static class SnapshotFile
{
    private static ReadOnlySpan<byte> Magic => "RAGSNP01"u8;

    public static void Write(
        string path, SnapshotHeaderRecord header, IEnumerable<ReplaceDocumentRecord> documents, IEnumerable<DocumentVersionRecord> versions)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
        {
            stream.Write(Magic);
            stream.Write(RecordFraming.Frame(header));
            var written = 0;
            foreach (var document in documents)
            {
                stream.Write(RecordFraming.Frame(document));
                written++;
            }

            if (written != header.DocumentCount)
            {
                throw new InvalidOperationException($"The snapshot header announced {header.DocumentCount} documents but {written} were written.");
            }

            foreach (var version in versions)
            {
                stream.Write(RecordFraming.Frame(version));
            }

            stream.Write(RecordFraming.Frame(new SnapshotEndRecord(header.Generation, written)));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// Streams the snapshot's records: the header first, then the documents, then held versions. Unlike the log, a damaged snapshot is
    /// fatal — it was renamed into place only once complete, so damage means the disk lost data.
    /// </summary>
    public static IEnumerable<IndexRecord> Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20);
        Span<byte> magic = stackalloc byte[Magic.Length];
        if (stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false) < magic.Length || !magic.SequenceEqual(Magic))
        {
            throw new InvalidDataException($"{path} is not a RagApp index snapshot.");
        }

        if (ReadRecord(stream, path) is not SnapshotHeaderRecord header)
        {
            throw new InvalidDataException($"The snapshot {path} does not start with a header.");
        }

        yield return header;
        for (var i = 0; i < header.DocumentCount; i++)
        {
            yield return ReadRecord(stream, path) as ReplaceDocumentRecord
                ?? throw new InvalidDataException($"The snapshot {path} holds something other than a document at position {i}.");
        }

        var next = ReadRecord(stream, path);
        while (next is DocumentVersionRecord version)
        {
            yield return version;
            next = ReadRecord(stream, path);
        }

        if (next is not SnapshotEndRecord end || end.DocumentCount != header.DocumentCount)
        {
            throw new InvalidDataException($"The snapshot {path} is incomplete.");
        }
    }

    public static void DeleteLeftovers(string path)
    {
        // A crash during Write leaves the temporary file behind; the snapshot it was meant to replace is intact.
        File.Delete(path + ".tmp");
    }

    private static IndexRecord ReadRecord(Stream stream, string path) =>
        RecordFraming.TryRead(stream, out var payload) == FrameStatus.Complete
            ? IndexRecordCodec.Decode(payload)
            : throw new InvalidDataException($"The snapshot {path} is damaged at byte {stream.Position}.");
}
