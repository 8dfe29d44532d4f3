namespace RagApp.Rag.Answers;

/// <summary>A retrieved passage handed to an answerer. <paramref name="Number"/> is its 1-based citation number.</summary>
internal sealed record AnswerPassage(int Number, string DocumentId, string ChunkId, string? Title, string Text, float Score);
