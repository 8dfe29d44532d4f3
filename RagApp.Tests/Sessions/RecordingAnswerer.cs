using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using RagApp.Rag.Answers;

namespace RagApp.Tests.Sessions;

/// <summary>The real answerer, wrapped to keep every request it is given (question, history) for the test to inspect.</summary>
internal sealed class RecordingAnswerer(IAnswerer inner) : IAnswerer
{
    public ConcurrentQueue<AnswerRequest> Requests { get; } = new();

    public string Name => inner.Name;

    public Task<ComposedAnswer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        return inner.AnswerAsync(request, cancellationToken);
    }

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AnswerRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Requests.Enqueue(request);
        await foreach (var update in inner.StreamAsync(request, cancellationToken))
        {
            yield return update;
        }
    }

    public AnswerRequest Last(string question) => Requests.Last(request => request.Question == question);
}
