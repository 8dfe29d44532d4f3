namespace RagApp.Rag.Index.Search;

/// <summary>One entry of a single-signal ranking, before fusion; <typeparamref name="TKey"/> is the store's chunk handle.</summary>
internal readonly record struct RankedCandidate<TKey>(TKey Key, double Score);
