namespace RagApp.Rag.Answers;

/// <summary>
/// A retrieved passage handed to an answerer. <paramref name="Number"/> is its 1-based citation number;
/// <paramref name="Score"/> its calibrated retrieval score. <see cref="Similarity"/> is the cosine similarity of the
/// passage's vector to the question's (NaN when retrieval did not compute one, e.g. a keyword-only hit).
/// </summary>
internal sealed record AnswerPassage(int Number, string DocumentId, string ChunkId, string? Title, string Text, float Score)
{
    public float Similarity { get; init; } = float.NaN;
}
