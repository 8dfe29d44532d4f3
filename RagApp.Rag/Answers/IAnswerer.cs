namespace RagApp.Rag.Answers;

/// <summary>
/// Composes an answer to a question from retrieved passages, citing them by number. <see cref="StreamAsync"/> yields
/// the answer as it is written (text deltas) and ends with one <see cref="AnswerUpdate"/> carrying the composed answer.
/// </summary>
internal interface IAnswerer
{
    string Name { get; }

    Task<ComposedAnswer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken);

    IAsyncEnumerable<AnswerUpdate> StreamAsync(AnswerRequest request, CancellationToken cancellationToken);
}
