namespace RagApp.Rag.Index;

/// <summary>A document as the index knows it: its identity, provenance and the model its chunk vectors came from.</summary>
internal sealed record IndexedDocument
{
    public required string DocumentId { get; init; }
    public string Title { get; init; } = "";
    public string SourceName { get; init; } = "";
    public string ContentType { get; init; } = "";
    public string ContentHash { get; init; } = "";
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata;
    public required string EmbeddingModel { get; init; }
    public required int EmbeddingDimensions { get; init; }
    public DateTimeOffset IndexedAt { get; init; }

    /// <summary>The version of the submission this content came from; 0 when it was written unversioned (see <see cref="DocumentVersions"/>).</summary>
    public long Version { get; init; }

    /// <summary>Set by the store from the chunk list it was given; whatever the caller puts here is replaced.</summary>
    public int ChunkCount { get; init; }

    public static IReadOnlyDictionary<string, string> EmptyMetadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
