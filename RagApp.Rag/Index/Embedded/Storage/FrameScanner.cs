using System.Buffers.Binary;

namespace RagApp.Rag.Index.Embedded.Storage;

/// <summary>
/// Finds the next intact frame after damaged bytes, so the log can tell a torn tail (nothing intact follows) from
/// damage in the middle (intact records follow, and must not be lost). With a sync marker only offsets where the
/// marker occurs are tried; logs of format 1 have none, so every offset whose header looks like a record's (length
/// in range, known kind and format byte) is tried. Either way a candidate counts only if its checksum matches and
/// its payload decodes.
/// </summary>
internal static class FrameScanner
{
    private const int WindowSize = 1 << 20;
    private const byte MaxKind = 6;

    /// <summary>The offset of the first intact frame starting at or after <paramref name="from"/>, or -1.</summary>
    public static long FindNextIntactFrame(Stream stream, long from, ReadOnlySpan<byte> syncMarker)
    {
        // Marker, header, kind byte, format byte: what a candidate is judged on before its checksum is computed.
        var lookahead = syncMarker.Length + RecordFraming.HeaderSize + 2;
        var window = new byte[WindowSize + lookahead];
        var position = from;
        while (true)
        {
            stream.Position = position;
            var read = stream.ReadAtLeast(window, window.Length, throwOnEndOfStream: false);
            if (read < lookahead)
            {
                return -1;
            }

            // Offsets whose whole lookahead is in this window; the rest are looked at again in the next one.
            var candidates = read - lookahead + 1;
            for (var i = 0; i < candidates; i++)
            {
                if (syncMarker.IsEmpty)
                {
                    if (!LooksLikeHeader(window.AsSpan(i, lookahead), stream.Length - (position + i)))
                    {
                        continue;
                    }
                }
                else
                {
                    var found = window.AsSpan(i, read - i).IndexOf(syncMarker);
                    if (found < 0 || i + found >= candidates)
                    {
                        break;
                    }

                    i += found;
                }

                if (IsIntactFrame(stream, position + i, syncMarker))
                {
                    return position + i;
                }
            }

            position += candidates;
        }
    }

    private static bool LooksLikeHeader(ReadOnlySpan<byte> bytes, long remaining)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
        return length is >= RecordFraming.MinPayloadSize and <= RecordFraming.MaxPayloadSize
            && length <= remaining - RecordFraming.HeaderSize
            && bytes[RecordFraming.HeaderSize] is >= 1 and <= MaxKind
            && bytes[RecordFraming.HeaderSize + 1] is 1 or 2;
    }

    private static bool IsIntactFrame(Stream stream, long offset, ReadOnlySpan<byte> syncMarker)
    {
        stream.Position = offset;
        if (RecordFraming.TryRead(stream, syncMarker, out var payload) != FrameStatus.Complete)
        {
            return false;
        }

        try
        {
            IndexRecordCodec.Decode(payload);
            return true;
        }
        catch (Exception exception) when (exception is InvalidDataException or ArgumentException or FormatException or OverflowException)
        {
            // Bytes that happen to pass the checksum but are no record: keep looking.
            return false;
        }
    }
}
