using RagApp.Core.Grpc.V1;

namespace RagApp.Gateway.Apis;

/// <summary>A passage an answer was composed from; an answer's citation <c>[n]</c> refers to the n-th source.</summary>
/// <param name="Score">0..1, comparable across questions; never higher than the score of a source listed before it.</param>
/// <param name="Section">The heading path the passage sits under, if any.</param>
/// <param name="Page">1-based page for paged formats (PDF), else null.</param>
/// <param name="Ordinal">The passage's position within its document, from 0.</param>
public sealed record QuerySource(
    string DocumentId,
    string ChunkId,
    string Title,
    string Content,
    float Score,
    IReadOnlyDictionary<string, string> Metadata,
    string? Section,
    int? Page,
    int Ordinal)
{
    internal static QuerySource From(Source source) => new(
        source.DocumentId,
        source.ChunkId,
        source.Title,
        source.Content,
        source.Score,
        source.Metadata.ToDictionary(),
        string.IsNullOrEmpty(source.Section) ? null : source.Section,
        source.Page > 0 ? source.Page : null,
        source.Ordinal);
}
