namespace RagApp.Rag.Index;

/// <summary>One page of the document list. <see cref="NextCursor"/> is null on the last page; its format belongs to the store.</summary>
internal sealed record DocumentPage(IReadOnlyList<IndexedDocument> Documents, string? NextCursor, int TotalCount);
