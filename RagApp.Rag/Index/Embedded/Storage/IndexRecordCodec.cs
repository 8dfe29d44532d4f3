using System.Runtime.InteropServices;

namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// Binary payload of a log or snapshot record: kind byte, format version byte, generation, then the kind's fields.
/// Strings are length-prefixed UTF-8, numbers and vectors little-endian. Framing and checksums are
/// <see cref="RecordFraming"/>'s job. Format 2 added document versions (on replace and delete records) and the keep and
/// version kinds; format 1 records still load, as unversioned.
/// </summary>
internal static class IndexRecordCodec
{
    private const byte FormatVersion = 2;
    private const byte UnversionedFormat = 1;

    private enum Kind : byte
    {
        Replace = 1,
        Delete = 2,
        SnapshotHeader = 3,
        SnapshotEnd = 4,
        Keep = 5,
        DocumentVersion = 6,
    }

    public static void Encode(IndexRecord record, Stream destination)
    {
        using var writer = new BinaryWriter(destination, System.Text.Encoding.UTF8, leaveOpen: true);
        switch (record)
        {
            case ReplaceDocumentRecord replace:
                WriteStart(writer, Kind.Replace, replace.Generation);
                WriteReplace(writer, replace.Document, replace.Chunks);
                break;
            case KeepDocumentRecord keep:
                WriteStart(writer, Kind.Keep, keep.Generation);
                WriteDocument(writer, keep.Document, keep.Document.ChunkCount);
                break;
            case DeleteDocumentRecord delete:
                WriteStart(writer, Kind.Delete, delete.Generation);
                writer.Write(delete.DocumentId);
                writer.Write(delete.Version);
                break;
            case DocumentVersionRecord version:
                WriteStart(writer, Kind.DocumentVersion, version.Generation);
                writer.Write(version.DocumentId);
                writer.Write(version.Version);
                break;
            case SnapshotHeaderRecord header:
                WriteStart(writer, Kind.SnapshotHeader, header.Generation);
                writer.Write(header.EmbeddingModel);
                writer.Write(header.EmbeddingDimensions);
                writer.Write(header.DocumentCount);
                break;
            case SnapshotEndRecord end:
                WriteStart(writer, Kind.SnapshotEnd, end.Generation);
                writer.Write(end.DocumentCount);
                break;
            default:
                throw new ArgumentException($"Unknown record type {record.GetType().Name}.", nameof(record));
        }
    }

    public static IndexRecord Decode(byte[] payload)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload, writable: false), System.Text.Encoding.UTF8);
            var kind = (Kind)reader.ReadByte();
            var version = reader.ReadByte();
            if (version is not (FormatVersion or UnversionedFormat))
            {
                throw new InvalidDataException($"Index record format version {version} is not supported (expected {UnversionedFormat} or {FormatVersion}).");
            }

            var versioned = version == FormatVersion;
            var generation = reader.ReadInt64();
            return kind switch
            {
                Kind.Replace => ReadReplace(reader, generation, versioned),
                Kind.Keep when versioned => new KeepDocumentRecord(generation, ReadDocument(reader, versioned).Document),
                Kind.Delete => new DeleteDocumentRecord(generation, reader.ReadString(), versioned ? reader.ReadInt64() : 0),
                Kind.DocumentVersion when versioned => new DocumentVersionRecord(generation, reader.ReadString(), reader.ReadInt64()),
                Kind.SnapshotHeader => new SnapshotHeaderRecord(generation, reader.ReadString(), reader.ReadInt32(), reader.ReadInt32()),
                Kind.SnapshotEnd => new SnapshotEndRecord(generation, reader.ReadInt32()),
                _ => throw new InvalidDataException($"Unknown index record kind {(byte)kind}."),
            };
        }
        catch (EndOfStreamException exception)
        {
            throw new InvalidDataException("An index record ends before its last field.", exception);
        }
    }

    private static void WriteStart(BinaryWriter writer, Kind kind, long generation)
    {
        writer.Write((byte)kind);
        writer.Write(FormatVersion);
        writer.Write(generation);
    }

    /// <summary>The document's fields, then <paramref name="chunkCount"/>; a replace record's chunks follow.</summary>
    private static void WriteDocument(BinaryWriter writer, IndexedDocument document, int chunkCount)
    {
        writer.Write(document.DocumentId);
        writer.Write(document.Title);
        writer.Write(document.SourceName);
        writer.Write(document.ContentType);
        writer.Write(document.ContentHash);
        writer.Write(document.IndexedAt.ToUnixTimeMilliseconds());
        writer.Write(document.Metadata.Count);
        foreach (var (key, value) in document.Metadata)
        {
            writer.Write(key);
            writer.Write(value);
        }

        writer.Write(document.EmbeddingModel);
        writer.Write(document.EmbeddingDimensions);
        writer.Write(document.Version);
        writer.Write(chunkCount);
    }

    private static void WriteReplace(BinaryWriter writer, IndexedDocument document, IReadOnlyList<IndexedChunk> chunks)
    {
        WriteDocument(writer, document, chunks.Count);
        foreach (var chunk in chunks)
        {
            writer.Write(chunk.ChunkId);
            writer.Write(chunk.Ordinal);
            writer.Write(chunk.Text);
            writer.Write(chunk.Page);
            writer.Write(chunk.StartOffset);
            writer.Write(chunk.EndOffset);
            writer.Write(chunk.Section);
            writer.Write(chunk.ContentHash);
            if (chunk.Vector.Length != document.EmbeddingDimensions)
            {
                throw new ArgumentException($"Chunk {chunk.Ordinal} has {chunk.Vector.Length} dimensions, the document {document.EmbeddingDimensions}.");
            }

            WriteFloats(writer, chunk.Vector.Span);
        }
    }

    private static (IndexedDocument Document, int ChunkCount) ReadDocument(BinaryReader reader, bool versioned)
    {
        var documentId = reader.ReadString();
        var title = reader.ReadString();
        var sourceName = reader.ReadString();
        var contentType = reader.ReadString();
        var contentHash = reader.ReadString();
        var indexedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.ReadInt64());
        var metadataCount = ReadCount(reader);
        var metadata = new Dictionary<string, string>(metadataCount, StringComparer.Ordinal);
        for (var i = 0; i < metadataCount; i++)
        {
            metadata[reader.ReadString()] = reader.ReadString();
        }

        var model = reader.ReadString();
        var dimensions = reader.ReadInt32();
        if (dimensions < 0)
        {
            throw new InvalidDataException($"Negative dimension {dimensions} in an index record.");
        }

        var version = versioned ? reader.ReadInt64() : 0;
        // A keep record's count is of chunks the index already holds, not of chunks in the record: no plausibility bound.
        var chunkCount = reader.ReadInt32();
        if (chunkCount < 0)
        {
            throw new InvalidDataException($"Negative chunk count {chunkCount} in an index record.");
        }

        var document = new IndexedDocument
        {
            DocumentId = documentId,
            Title = title,
            SourceName = sourceName,
            ContentType = contentType,
            ContentHash = contentHash,
            IndexedAt = indexedAt,
            Metadata = metadata,
            EmbeddingModel = model,
            EmbeddingDimensions = dimensions,
            Version = version,
            ChunkCount = chunkCount,
        };
        return (document, chunkCount);
    }

    private static ReplaceDocumentRecord ReadReplace(BinaryReader reader, long generation, bool versioned)
    {
        var (document, chunkCount) = ReadDocument(reader, versioned);
        var remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        if (chunkCount > remaining || (chunkCount > 0 && (long)document.EmbeddingDimensions * sizeof(float) > remaining))
        {
            // Every chunk takes at least one byte, so a larger count can only come from a damaged record.
            throw new InvalidDataException($"Implausible count {chunkCount} in an index record.");
        }

        var chunks = new IndexedChunk[chunkCount];
        for (var i = 0; i < chunkCount; i++)
        {
            chunks[i] = new IndexedChunk
            {
                ChunkId = reader.ReadString(),
                Ordinal = reader.ReadInt32(),
                Text = reader.ReadString(),
                Page = reader.ReadInt32(),
                StartOffset = reader.ReadInt32(),
                EndOffset = reader.ReadInt32(),
                Section = reader.ReadString(),
                ContentHash = reader.ReadString(),
                Vector = ReadFloats(reader, document.EmbeddingDimensions),
            };
        }

        return new ReplaceDocumentRecord(generation, document, chunks);
    }

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        var remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        // Every counted item takes at least one byte, so a larger count can only come from a damaged record.
        return count >= 0 && count <= remaining ? count : throw new InvalidDataException($"Implausible count {count} in an index record.");
    }

    private static void WriteFloats(BinaryWriter writer, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            writer.Write(MemoryMarshal.AsBytes(values));
            return;
        }

        foreach (var value in values)
        {
            writer.Write(value);
        }
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        var values = new float[count];
        if (BitConverter.IsLittleEndian)
        {
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }

        for (var i = 0; i < count; i++)
        {
            values[i] = reader.ReadSingle();
        }

        return values;
    }
}
