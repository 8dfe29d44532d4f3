using System.Buffers.Binary;
using System.IO.Hashing;

namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// Frames a payload as [length u32 LE][CRC-32 of payload u32 LE][payload]. A frame cut short by a crash, or whose
/// checksum does not match, reads as <see cref="FrameStatus.Damaged"/>: the caller decides what that means.
/// </summary>
internal static class RecordFraming
{
    public const int HeaderSize = 8;

    // Far above any real record (a 20k-chunk document is ~40 MB); a larger length is damage, not data.
    private const int MaxPayloadSize = 1 << 30;

    /// <summary>Encodes a record as one frame in memory, ready to be written with a single call.</summary>
    public static ArraySegment<byte> Frame(IndexRecord record)
    {
        var buffer = new MemoryStream();
        buffer.Write(stackalloc byte[HeaderSize]);
        IndexRecordCodec.Encode(record, buffer);
        var frame = new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
        var payload = frame.AsSpan(HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(), (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), Crc32.HashToUInt32(payload));
        return frame;
    }

    public static FrameStatus TryRead(Stream stream, out byte[] payload)
    {
        payload = [];
        Span<byte> header = stackalloc byte[HeaderSize];
        var read = stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false);
        if (read == 0)
        {
            return FrameStatus.EndOfStream;
        }

        if (read < HeaderSize)
        {
            return FrameStatus.Damaged;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
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
