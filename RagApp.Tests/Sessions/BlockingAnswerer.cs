using System.Diagnostics;
using System.Runtime.CompilerServices;
using RagApp.Rag.Answers;

namespace RagApp.Tests.Sessions;

/// <summary>
/// An answerer that starts, writes a first delta when streaming, and then waits for its cancellation token: it stands
/// for a slow chat model, so that a test can cancel while the server is answering and see whether the server noticed.
/// </summary>
internal sealed class BlockingAnswerer : IAnswerer
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "blocking";

    public async Task<ComposedAnswer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
    {
        await BlockAsync(cancellationToken);
        throw new UnreachableException();
    }

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AnswerRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return AnswerUpdate.Text("The answer begins ");
        await BlockAsync(cancellationToken);
    }

    private async Task BlockAsync(CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(() => Cancelled.TrySetResult());
        Started.TrySetResult();
        await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
    }
}
