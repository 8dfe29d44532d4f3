namespace RagApp.Rag.Index.Search;

/// <summary>Which signal ranks the chunks.</summary>
internal enum SearchMode
{
    /// <summary>Dense and keyword scores fused (the default; it beat either alone on cranfield).</summary>
    Hybrid,
    /// <summary>Cosine similarity of the embedding vectors only.</summary>
    Dense,
    /// <summary>BM25 over the chunk text only.</summary>
    Keyword,
}
