namespace RagApp.Rag.Index;

/// <summary>The outcome of a delete; an unknown document is not an error, just <see cref="Deleted"/> = false.</summary>
internal sealed record DocumentDeletion(bool Deleted, int ChunksRemoved, long Generation);
