using System.Buffers.Binary;
using System.IO.Hashing;

namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// Frames a payload as [sync marker][length u32 LE][CRC-32 of payload u32 LE][payload]. The sync marker is the log's
/// own random bytes (empty for snapshots and for logs of format 1): after damage, the reader finds the next frame by
/// searching for it, and no document content can fake a frame because it cannot know the marker. A frame cut short,
/// without its marker, or whose checksum does not match reads as <see cref="FrameStatus.Damaged"/>: the caller
/// decides what that means.
/// </summary>
internal static class RecordFraming
{
    public const int HeaderSize = 8;

    /// <summary>The smallest payload: kind byte, format byte, generation.</summary>
    public const int MinPayloadSize = 10;

    // Far above any real record (a 20k-chunk document is ~40 MB); a larger length is damage, not data.
    public const int MaxPayloadSize = 1 << 30;

    /// <summary>Encodes a record as one frame without a sync marker (snapshots).</summary>
    public static ArraySegment<byte> Frame(IndexRecord record) => Frame(record, []);

    /// <summary>Encodes a record as one frame in memory, ready to be written with a single call.</summary>
    public static ArraySegment<byte> Frame(IndexRecord record, ReadOnlySpan<byte> syncMarker)
    {
        var buffer = new MemoryStream();
        buffer.Write(syncMarker);
        buffer.Write(stackalloc byte[HeaderSize]);
        IndexRecordCodec.Encode(record, buffer);
        var frame = new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        var header = frame.AsSpan(syncMarker.Length);
        var payload = header[HeaderSize..];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Crc32.HashToUInt32(payload));
        return frame;
    }

    /// <summary>Reads a frame without a sync marker (snapshots, logs of format 1).</summary>
    public static FrameStatus TryRead(Stream stream, out byte[] payload) => TryRead(stream, [], out payload);

    public static FrameStatus TryRead(Stream stream, ReadOnlySpan<byte> syncMarker, out byte[] payload)
    {
        payload = [];
        Span<byte> header = stackalloc byte[syncMarker.Length + HeaderSize];
        var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read == 0)
        {
            return FrameStatus.EndOfStream;
        }

        if (read < header.Length || !header[..syncMarker.Length].SequenceEqual(syncMarker))
        {
            return FrameStatus.Damaged;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header[syncMarker.Length..]);
        var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header[(syncMarker.Length + 4)..]);
        if (length > MaxPayloadSize || length > stream.Length - stream.Position)
        {
            return FrameStatus.Damaged;
        }

        var buffer = new byte[length];
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length
            || Crc32.HashToUInt32(buffer) != checksum)
        {
            return FrameStatus.Damaged;
        }

        payload = buffer;
        return FrameStatus.Complete;
    }
}
