namespace RagApp.Gateway.Apis;

/// <summary>The body of <c>GET /api/v1/documents/{id}/chunks</c>: what the index holds for the document, in order.</summary>
public sealed record DocumentChunks(string DocumentId, IReadOnlyList<DocumentChunk> Chunks);
