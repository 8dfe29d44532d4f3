namespace RagApp.Rag.Answers;

/// <summary>
/// An answer and the passage numbers its citation markers refer to. <paramref name="Confidence"/> is in [0, 1];
/// <paramref name="Abstained"/> says the passages did not answer the question and the text says so.
/// </summary>
internal sealed record ComposedAnswer(string Text, IReadOnlyList<int> CitedPassages, float Confidence, bool Abstained);
