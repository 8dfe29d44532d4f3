namespace RagApp.Gateway.Apis;

/// <summary>One page of <c>GET /api/v1/documents</c>; pass <see cref="NextPageToken"/> as page_token for the next.</summary>
public sealed record DocumentPage(IReadOnlyList<DocumentResponse> Documents, string? NextPageToken, int TotalCount);
