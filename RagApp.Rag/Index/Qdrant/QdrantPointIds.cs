using System.Security.Cryptography;
using System.Text;

namespace RagApp.Rag.Index.Qdrant;

/// <summary>Point ids in the registry collection: Qdrant takes only UUIDs or integers, so document ids are hashed.</summary>
internal static class QdrantPointIds
{
    /// <summary>The registry point holding generation, embedding model and keyword stemming.</summary>
    public static Guid IndexMetadata { get; } = new("7a1d0c2e-4b5f-8e6a-9c3d-000000000001");

    public static Guid ForDocument(string documentId) => Hashed("document\n" + documentId);

    /// <summary>The registry point holding the document's held version; it outlives the document as a tombstone.</summary>
    public static Guid ForVersion(string documentId) => Hashed("version\n" + documentId);

    /// <summary>
    /// A chunk's point as one write stored it: every write has its own points, so a slower write of the same document
    /// by another replica cannot overwrite the chunks of a newer one (the chunk id itself is in the payload).
    /// </summary>
    public static Guid ForChunk(string chunkId, long generation) => Hashed($"chunk\n{chunkId}\n{generation}");

    private static Guid Hashed(string name)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
