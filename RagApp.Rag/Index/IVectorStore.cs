using RagApp.Rag.Index.Search;

namespace RagApp.Rag.Index;

/// <summary>
/// The index of RagApp.Rag: documents, their chunks with vectors, and hybrid search over them. Every change bumps a
/// persisted, monotonically increasing generation. The first write fixes the embedding model and dimension; vectors
/// of another model are refused with <see cref="EmbeddingModelMismatchException"/>.
/// </summary>
internal interface IVectorStore
{
    /// <summary>Loads or connects; called at start-up, and implied by every other call.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Replaces every chunk of the document with <paramref name="chunks"/> (ordinals 0..n-1, each vector of the
    /// document's dimension): a second identical call leaves one copy, a shorter list leaves no leftovers. A document
    /// older than the version the index holds (<see cref="DocumentVersions"/>) is answered superseded and changes
    /// nothing; a refusal (bad chunks, another embedding model) is thrown.
    /// </summary>
    Task<DocumentReplacementResult> ReplaceDocumentAsync(IndexedDocument document, IReadOnlyList<IndexedChunk> chunks, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces several documents, each as <see cref="ReplaceDocumentAsync"/> would and each atomically, with one durable
    /// write for all where the store can. A document the store refuses (bad chunks, another embedding model) is answered
    /// with its refusal and does not hold back the others; each is checked against the version the index holds, including
    /// the versions earlier entries of the same call leave. Results are in the order of <paramref name="replacements"/>.
    /// </summary>
    Task<IReadOnlyList<DocumentReplacementResult>> ReplaceDocumentsAsync(IReadOnlyList<DocumentReplacement> replacements, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the document. A versioned delete (<paramref name="version"/> &gt; 0) older than the held version is
    /// superseded; otherwise it leaves its version as a tombstone, so an older replace arriving later is refused.
    /// </summary>
    Task<DocumentDeletion> DeleteDocumentAsync(string documentId, long version, CancellationToken cancellationToken);

    Task<IndexedDocument?> GetDocumentAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>A page of documents in a stable order; pass the previous page's <see cref="DocumentPage.NextCursor"/> to go on.</summary>
    Task<DocumentPage> ListDocumentsAsync(int pageSize, string? cursor, CancellationToken cancellationToken);

    /// <summary>The document's chunks by ordinal, or null when the document is unknown.</summary>
    Task<IReadOnlyList<IndexedChunk>?> GetChunksAsync(string documentId, bool includeVectors, CancellationToken cancellationToken);

    Task<IndexStatistics> GetStatsAsync(CancellationToken cancellationToken);

    /// <summary>The current generation alone, cheaper than full stats: what RagApp.Rag publishes to Redis after each write for the gateway's query cache.</summary>
    Task<long> GetGenerationAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The best <paramref name="topK"/> chunks for a query. <paramref name="queryVector"/> (the index's model, any
    /// length-normalisation) drives the dense signal and <paramref name="queryText"/> the BM25 signal; a mode that
    /// needs neither may leave it empty.
    /// </summary>
    Task<IReadOnlyList<ScoredChunk>> SearchAsync(
        ReadOnlyMemory<float> queryVector,
        string? queryText,
        int topK,
        SearchFilter? filter,
        SearchOptions? options,
        CancellationToken cancellationToken);
}
