using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Retrieval;

/// <summary>A validated question: trimmed text, how many sources to return, and the filter to apply (null: none).</summary>
internal sealed record RetrievalQuery(string Question, int MaxResults, SearchFilter? Filter);
