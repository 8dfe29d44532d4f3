using RagApp.Rag.Retrieval;

namespace RagApp.Rag.Answers;

/// <summary>
/// An answer and the passage numbers its citation markers refer to. <paramref name="Confidence"/> is in [0, 1];
/// <paramref name="Abstained"/> says the passages did not answer the question and the text says so. The init
/// properties say what wrote it: the answerer's name, the chat model and route when one was used, and whether the
/// configured answerer failed and this answer is the extractive fallback.
/// </summary>
internal sealed record ComposedAnswer(string Text, IReadOnlyList<int> CitedPassages, float Confidence, bool Abstained)
{
    public string Answerer { get; init; } = Answerers.Extractive;

    public string Model { get; init; } = "";

    public string Route { get; init; } = "";

    public bool FellBack { get; init; }
}
