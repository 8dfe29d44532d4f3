using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using RagApp.Core.Redis;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Caching;

/// <summary>
/// The Redis key of a cached answer: <c>cache:{answer}:&lt;sha256&gt;</c> over everything that changes the answer: the
/// normalised question, <c>max_results</c>, the filter in canonical form, the endpoint (a whole answer and a stream's
/// events are stored apart) and the index generation token. Each part is written with its length, so no two different
/// requests write the same text.
/// </summary>
internal static class QueryCacheKey
{
    /// <summary>
    /// The Redis Cluster hash tag of every cache key: the store script touches an entry and the bookkeeping of all of
    /// them at once, so they share one slot (the whole cache, bounded by Gateway:Cache:MaxTotalBytes, on one shard).
    /// </summary>
    public const string HashTag = "{answer}";

    public const string EntryPrefix = RedisKeys.CachePrefix + HashTag + ":";

    /// <summary>Bumped when the stored form of an entry changes, so that no version reads another's entries.</summary>
    private const string FormatVersion = "1";

    public static string For(Rpc.QueryRequest request, bool stream, IndexGenerationToken token) => Of(Canonical(request, stream, token));

    /// <summary>The Redis key of a question's <see cref="Canonical"/> text.</summary>
    public static string Of(string canonical) =>
        EntryPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    /// <summary>
    /// The text the Redis key is the digest of. The gateway's own copy (<see cref="LocalAnswerCache"/>) is keyed on it
    /// directly: a dictionary compares the whole text on a hit, so a local lookup needs no SHA-256, only Redis keys do.
    /// </summary>
    public static string Canonical(Rpc.QueryRequest request, bool stream, IndexGenerationToken token)
    {
        var text = new StringBuilder(256);
        Part(text, FormatVersion);
        Part(text, stream ? "stream" : "query");
        Part(text, token.ToString());
        Part(text, NormaliseQuestion(request.Question));
        // 0 asks RagApp.Rag's default; the reader always sends the value it applied.
        Part(text, request.MaxResults.ToString(CultureInfo.InvariantCulture));
        if (request.Filter is { } filter)
        {
            // Ids are alternatives (any of them matches), so their order and repeats do not change the answer.
            var ids = filter.DocumentIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            Part(text, ids.Count.ToString(CultureInfo.InvariantCulture));
            foreach (var id in ids)
            {
                Part(text, id);
            }

            Part(text, filter.Metadata.Count.ToString(CultureInfo.InvariantCulture));
            foreach (var (key, value) in filter.Metadata.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                Part(text, key);
                Part(text, value);
            }
        }
        else
        {
            Part(text, "-");
        }

        return text.ToString();
    }

    /// <summary>
    /// Trimmed, every run of white space one space, case folded (invariant lower case): RagApp.Rag's retrieval does not
    /// see the difference (docs/architecture.md, "Query cache").
    /// </summary>
    public static string NormaliseQuestion(string question)
    {
        var text = new StringBuilder(question.Length);
        var space = false;
        foreach (var character in question.AsSpan().Trim())
        {
            if (char.IsWhiteSpace(character))
            {
                space = true;
                continue;
            }

            if (space)
            {
                text.Append(' ');
                space = false;
            }

            text.Append(char.ToLowerInvariant(character));
        }

        return text.ToString();
    }

    private static void Part(StringBuilder text, string value) =>
        text.Append(value.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
}
