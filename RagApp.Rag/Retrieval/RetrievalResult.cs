namespace RagApp.Rag.Retrieval;

/// <summary>
/// What retrieval found for one question, the index generation it searched, the model it embedded with and the
/// question's embedding (handed on to the answerer, which then need not embed the question again).
/// </summary>
internal sealed record RetrievalResult(IReadOnlyList<RetrievedPassage> Passages, long IndexGeneration, string Model, TimeSpan Elapsed)
{
    /// <summary>The best calibrated score, 0 when nothing was found.</summary>
    public double TopScore => Passages.Count == 0 ? 0 : Passages.Max(passage => passage.Score);

    public ReadOnlyMemory<float> QuestionVector { get; init; }
}
