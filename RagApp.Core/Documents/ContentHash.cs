using System.Security.Cryptography;
using System.Text;

namespace RagApp.Core.Documents;

/// <summary>SHA-256 of text as lower-case hex: the identity of a document's or a chunk's content.</summary>
public static class ContentHash
{
    public static string Of(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
