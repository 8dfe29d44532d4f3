namespace RagApp.Rag.Answers;

/// <summary>
/// One step of a streamed answer: a text delta while the answer is written, then a last update whose
/// <see cref="Done"/> holds the composed answer (its text is the deltas concatenated, with citations checked).
/// </summary>
internal sealed record AnswerUpdate(string Delta, ComposedAnswer? Done = null)
{
    public static AnswerUpdate Text(string delta) => new(delta);

    public static AnswerUpdate Completed(ComposedAnswer answer) => new("", answer);
}
