using RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Apis;

/// <summary>An indexed document as the REST API shows it.</summary>
/// <param name="DocumentVersion">The version of the submission its content came from (see the upload's 202).</param>
public sealed record DocumentResponse(
    string DocumentId,
    long DocumentVersion,
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
        info.Version,
        info.Title,
        string.IsNullOrEmpty(info.SourceName) ? null : info.SourceName,
        info.ContentType,
        info.ContentHash,
        info.ChunkCount,
        info.Metadata.ToDictionary(),
        DateTimeOffset.FromUnixTimeMilliseconds(info.IndexedAtUnixMs),
        info.EmbeddingModel);
}
