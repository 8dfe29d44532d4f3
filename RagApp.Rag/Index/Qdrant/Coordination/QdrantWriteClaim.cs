namespace RagApp.Rag.Index.Qdrant.Coordination;

/// <summary>A claimed write: its generation, or 0 when it was superseded; and the document's held version after it.</summary>
internal readonly record struct QdrantWriteClaim(long Generation, long HeldVersion)
{
    public bool Superseded => Generation == 0;
}
