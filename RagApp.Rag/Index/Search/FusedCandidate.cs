namespace RagApp.Rag.Index.Search;

/// <summary>A fused hit: the combined score and the raw component scores it came from (null when that list missed it).</summary>
internal readonly record struct FusedCandidate<TKey>(TKey Key, double Score, double? DenseScore, double? KeywordScore);
