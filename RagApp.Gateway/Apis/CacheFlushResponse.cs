namespace RagApp.Gateway.Apis;

/// <summary>The answer to a flush of the query cache.</summary>
/// <param name="DeletedKeys">How many cache keys were deleted: entries and the cache's own bookkeeping.</param>
public sealed record CacheFlushResponse(long DeletedKeys);
