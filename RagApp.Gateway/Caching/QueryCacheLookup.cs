using RagApp.Core.Redis;
using Rpc = RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Caching;

/// <summary>
/// One question's trip through the cache: its key and the token it was computed under (both null when the cache was
/// bypassed), and what a hit found: the whole answer or a stream's events.
/// </summary>
internal sealed class QueryCacheLookup
{
    public static readonly QueryCacheLookup Bypassed = new(null, null);

    public QueryCacheLookup(string? key, IndexGenerationToken? token)
    {
        Key = key;
        Token = token;
    }

    public string? Key { get; }

    public IndexGenerationToken? Token { get; }

    /// <summary>The question looked up and missed, so that its answer can be stored under a later generation's key.</summary>
    public Rpc.QueryRequest? Request { get; init; }

    /// <summary>A whole answer found, as the JSON the client gets.</summary>
    public PreparedAnswer? Answer { get; init; }

    public IReadOnlyList<Rpc.QueryStreamEvent>? Events { get; init; }
}
