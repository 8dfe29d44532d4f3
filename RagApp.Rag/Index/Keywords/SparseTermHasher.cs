using System.IO.Hashing;
using System.Text;

namespace RagApp.Rag.Index.Keywords;

/// <summary>
/// Maps a keyword term to a sparse-vector dimension for Qdrant: XxHash32 of its UTF-8 bytes. A stable function of
/// the term (no vocabulary to persist or share between replicas); 2^32 buckets make collisions negligible.
/// </summary>
internal static class SparseTermHasher
{
    public static uint IndexOf(string term) => XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(term));
}
