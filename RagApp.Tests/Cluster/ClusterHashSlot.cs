using System.Text;

namespace RagApp.Tests.Cluster;

/// <summary>
/// The Redis Cluster key slot, computed here rather than asked of a server so that a key layout can be checked without
/// one: CRC16 (XMODEM: polynomial 0x1021, initial 0) of the key, or of its hash tag (the text between the first '{'
/// and the next '}', when not empty), modulo 16384.
/// </summary>
internal static class ClusterHashSlot
{
    public const int SlotCount = 16384;

    public static int Of(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var open = Array.IndexOf(bytes, (byte)'{');
        if (open >= 0)
        {
            var close = Array.IndexOf(bytes, (byte)'}', open + 1);
            if (close > open + 1)
            {
                bytes = bytes[(open + 1)..close];
            }
        }

        return Crc16(bytes) % SlotCount;
    }

    private static int Crc16(byte[] bytes)
    {
        var crc = 0;
        foreach (var value in bytes)
        {
            crc ^= value << 8;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }

            crc &= 0xFFFF;
        }

        return crc;
    }
}
