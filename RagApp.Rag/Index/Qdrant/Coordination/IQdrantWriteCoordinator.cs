namespace RagApp.Rag.Index.Qdrant.Coordination;

/// <summary>
/// What orders the writes of every RagApp.Rag replica sharing one Qdrant collection, which has no transactions of its
/// own: the generation counter, each document's held version and the generation of its latest write, and a short lock
/// around the one step that must not interleave (the registry point). docs/architecture.md, "Qdrant writes from several
/// replicas", has the reasoning.
/// </summary>
internal interface IQdrantWriteCoordinator
{
    /// <summary>
    /// In one atomic step: refuses a write older than the document's held version (the larger of the coordinator's and
    /// <paramref name="storedVersion"/>, what the registry holds), else takes the next generation (above
    /// <paramref name="generationFloor"/>, what the registry last recorded) and records it as the document's latest write.
    /// </summary>
    Task<QdrantWriteClaim> ClaimAsync(string documentId, long incomingVersion, long storedVersion, long generationFloor, CancellationToken cancellationToken);

    /// <summary>The generation of the document's latest claimed write: the write whose chunks stay.</summary>
    Task<long> LatestGenerationAsync(string documentId, CancellationToken cancellationToken);

    /// <summary>The last generation handed out; 0 when the coordinator has none yet.</summary>
    Task<long> CurrentGenerationAsync(CancellationToken cancellationToken);

    /// <summary>Holds the document's lock until disposed; writes of other documents are not held up.</summary>
    Task<IAsyncDisposable> LockDocumentAsync(string documentId, CancellationToken cancellationToken);
}
