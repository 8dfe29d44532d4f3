using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace RagApp.Core.Documents;

/// <summary>
/// Chunk ids derive from (document id, ordinal), so a retried or repeated ingest replaces chunks instead
/// of duplicating them. They are UUID-shaped because Qdrant only accepts UUIDs or integers as point ids.
/// </summary>
public static class ChunkIds
{
    public static string Create(string documentId, int ordinal)
    {
        ArgumentException.ThrowIfNullOrEmpty(documentId);
        ArgumentOutOfRangeException.ThrowIfNegative(ordinal);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{documentId}\n{ordinal}")), hash);
        // Stamp the version (8, "custom") and RFC 4122 variant bits so the value is a well-formed UUID.
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true).ToString("D");
    }
}
