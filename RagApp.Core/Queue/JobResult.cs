namespace RagApp.Core.Queue;

/// <summary>How a job ended, recorded in its status.</summary>
/// <param name="Outcome"><see cref="JobState.Succeeded"/>, <see cref="JobState.Unchanged"/> or <see cref="JobState.Superseded"/>.</param>
/// <param name="ChunkCount">Chunks the document has in the index (0 after a delete or when superseded).</param>
/// <param name="EmbeddedChunks">Chunks the embedding model ran on for this job.</param>
/// <param name="CachedChunks">Chunks whose vector came from the embedding cache.</param>
public sealed record JobResult(JobState Outcome, int ChunkCount, int EmbeddedChunks = 0, int CachedChunks = 0);
