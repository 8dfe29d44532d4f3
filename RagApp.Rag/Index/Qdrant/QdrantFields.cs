namespace RagApp.Rag.Index.Qdrant;

/// <summary>Names of the vectors and payload fields in both collections, in one place.</summary>
internal static class QdrantFields
{
    public const string DenseVector = "dense";
    public const string SparseVector = "sparse";

    public const string Kind = "kind";
    public const string KindDocument = "document";
    public const string KindMetadata = "index_metadata";
    /// <summary>A document's held version (see DocumentVersions), kept after a delete as its tombstone.</summary>
    public const string KindVersion = "document_version";
    public const string Version = "version";

    public const string DocumentId = "document_id";
    public const string ChunkId = "chunk_id";
    public const string Ordinal = "ordinal";
    public const string Text = "text";
    public const string Page = "page";
    public const string StartOffset = "start_offset";
    public const string EndOffset = "end_offset";
    public const string Section = "section";
    public const string ContentHash = "content_hash";
    /// <summary>The generation of the write that stored a chunk: a replace deletes the document's chunks of any other.</summary>
    public const string Generation = "generation";
    /// <summary>On a registry document point: the generation of the chunks it stands for; searches show no others.</summary>
    public const string ChunkGeneration = "chunk_generation";

    public const string Title = "title";
    public const string SourceName = "source_name";
    public const string ContentType = "content_type";
    public const string Metadata = "metadata";
    public const string EmbeddingModel = "embedding_model";
    public const string EmbeddingDimensions = "embedding_dimensions";
    /// <summary>On the metadata point: the KeywordStemming the chunks' sparse vectors were made with; absent means None.</summary>
    public const string KeywordStemming = "keyword_stemming";
    public const string IndexedAtUnixMs = "indexed_at_unix_ms";
    public const string ChunkCount = "chunk_count";
}
