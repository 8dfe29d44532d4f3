using System.ComponentModel.DataAnnotations;

namespace RagApp.Rag.Index;

/// <summary>Settings of the Qdrant store (VectorStore:Qdrant); the server itself comes from connection string "qdrant".</summary>
internal sealed class QdrantStoreOptions
{
    public const string ConnectionName = "qdrant";

    /// <summary>Collection of chunk points; the document registry lives in "{CollectionName}_documents".</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,200}$")]
    public string CollectionName { get; set; } = "ragapp_chunks";

    [Range(1, 10_000)]
    public int UpsertBatchSize { get; set; } = 256;

    /// <summary>
    /// Qdrant cannot know the corpus' mean chunk length when a point is written, so BM25 length normalisation uses
    /// this fixed estimate (1000-character chunks hold ~110 terms once stop words are gone).
    /// </summary>
    [Range(1, 100_000)]
    public int AverageChunkTerms { get; set; } = 110;

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
