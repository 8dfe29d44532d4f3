using RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Apis;

/// <summary>An indexed document as the REST API shows it.</summary>
public sealed record DocumentResponse(
    string DocumentId,
    string Title,
    string? SourceName,
    string ContentType,
    string ContentHash,
    int ChunkCount,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset IndexedAt,
    string EmbeddingModel)
{
    internal static DocumentResponse From(DocumentInfo info) => new(
        info.DocumentId,
        info.Title,
        string.IsNullOrEmpty(info.SourceName) ? null : info.SourceName,
        info.ContentType,
        info.ContentHash,
        info.ChunkCount,
        info.Metadata.ToDictionary(),
        DateTimeOffset.FromUnixTimeMilliseconds(info.IndexedAtUnixMs),
        info.EmbeddingModel);
}
