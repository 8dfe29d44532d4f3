using System.Buffers.Text;
using System.Text;
using RagApp.Core.Grpc.V1;

namespace RagApp.Rag.Index.Grpc;

/// <summary>Index types to their proto messages, and the opaque page token around a store's cursor.</summary>
internal static class IndexProtoMapper
{
    private const string PageTokenPrefix = "v1:";

    public static DocumentInfo ToDocumentInfo(IndexedDocument document) => new()
    {
        DocumentId = document.DocumentId,
        Title = document.Title,
        SourceName = document.SourceName,
        ContentType = document.ContentType,
        ContentHash = document.ContentHash,
        ChunkCount = document.ChunkCount,
        Metadata = { document.Metadata.ToDictionary() },
        IndexedAtUnixMs = document.IndexedAt.ToUnixTimeMilliseconds(),
        EmbeddingModel = document.EmbeddingModel,
        Version = document.Version,
    };

    public static ChunkRecord ToChunkRecord(IndexedChunk chunk) => new()
    {
        ChunkId = chunk.ChunkId,
        Ordinal = chunk.Ordinal,
        Text = chunk.Text,
        Vector = { chunk.Vector.ToArray() },
        Page = chunk.Page,
        StartOffset = chunk.StartOffset,
        EndOffset = chunk.EndOffset,
        Section = chunk.Section,
        ContentHash = chunk.ContentHash,
    };

    public static IndexStats ToIndexStats(IndexStatistics statistics) => new()
    {
        DocumentCount = statistics.DocumentCount,
        ChunkCount = statistics.ChunkCount,
        Generation = statistics.Generation,
        EmbeddingModel = statistics.EmbeddingModel,
        EmbeddingDimensions = statistics.EmbeddingDimensions,
        Store = statistics.Store,
    };

    /// <summary>Wraps a store cursor so clients cannot build or depend on one.</summary>
    public static string ToPageToken(string? cursor) =>
        cursor is null ? "" : Base64Url.EncodeToString(Encoding.UTF8.GetBytes(PageTokenPrefix + cursor));

    public static string? FromPageToken(string token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw new InvalidIndexRequestException("page_token", "not a token this service issued");
        }

        return decoded.StartsWith(PageTokenPrefix, StringComparison.Ordinal)
            ? decoded[PageTokenPrefix.Length..]
            : throw new InvalidIndexRequestException("page_token", "not a token this service issued");
    }
}
