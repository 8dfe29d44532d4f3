namespace RagApp.Ingest.Worker.Chunking;

/// <summary>
/// FNV-1a with a final mix: the same text gives the same value in every process and on every machine
/// (string.GetHashCode is randomised per process), which chunk boundaries must be.
/// </summary>
internal static class StableHash
{
    public static ulong Of(ReadOnlySpan<char> text)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        // FNV's low-entropy high bits would bias comparisons; a murmur-style finaliser spreads them.
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return hash;
    }
}
