using RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Apis;

/// <summary>One indexed chunk of a document, as <c>GET /api/v1/documents/{id}/chunks</c> shows it.</summary>
/// <param name="Page">1-based page for paged formats (PDF), else null.</param>
/// <param name="Section">The heading path the chunk sits under, if any.</param>
/// <param name="StartOffset">Where the chunk starts in the document's extracted text (characters).</param>
public sealed record DocumentChunk(string ChunkId, int Ordinal, string Text, int? Page, string? Section, int StartOffset, int EndOffset)
{
    internal static DocumentChunk From(ChunkRecord record) => new(
        record.ChunkId,
        record.Ordinal,
        record.Text,
        record.Page > 0 ? record.Page : null,
        string.IsNullOrEmpty(record.Section) ? null : record.Section,
        record.StartOffset,
        record.EndOffset);
}
