namespace RagApp.Rag.Answers;

/// <summary>Composes an answer to a question from retrieved passages, citing them by number.</summary>
internal interface IAnswerer
{
    string Name { get; }

    Task<ComposedAnswer> AnswerAsync(string question, ReadOnlyMemory<float> questionVector, IReadOnlyList<AnswerPassage> passages, CancellationToken cancellationToken);
}
