using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using RagApp.Rag.Answers;

namespace RagApp.Tests.Gateway;

/// <summary>
/// RagApp.Rag's real answerer with two controls for the questions a test names, so that a test can act while a call
/// is surely still running in RagApp.Rag (the extractive answerer finishes in milliseconds): a held question answers
/// its first delta (streamed) and then waits until its call is cancelled, recording that; a failing question answers
/// its first delta (streamed) and then throws, or throws at once (unary). Every other question is answered by the real answerer untouched.
/// </summary>
internal sealed class ControlledAnswerer(IAnswerer inner) : IAnswerer
{
    private readonly ConcurrentDictionary<string, HeldCall> _held = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _failing = new(StringComparer.Ordinal);

    /// <summary>What a failing question throws: words that must never reach a client.</summary>
    public const string FailureMessage = "The answerer failed (test control) in RagApp.Secret.Internals";

    public string Name => inner.Name;

    /// <summary>Holds the calls for <paramref name="question"/> (as RagApp.Rag passes it: trimmed) open until cancelled.</summary>
    public HeldCall Hold(string question) => _held.GetOrAdd(question, _ => new HeldCall());

    public void Fail(string question) => _failing[question] = true;

    public async Task<ComposedAnswer> AnswerAsync(AnswerRequest request, CancellationToken cancellationToken)
    {
        if (_held.TryGetValue(request.Question, out var held))
        {
            await held.WaitForCancellationAsync(cancellationToken);
        }

        if (_failing.ContainsKey(request.Question))
        {
            throw new InvalidOperationException(FailureMessage);
        }

        return await inner.AnswerAsync(request, cancellationToken);
    }

    public async IAsyncEnumerable<AnswerUpdate> StreamAsync(AnswerRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var deltas = 0;
        await foreach (var update in inner.StreamAsync(request, cancellationToken))
        {
            if (deltas == 1)
            {
                if (_held.TryGetValue(request.Question, out var held))
                {
                    await held.WaitForCancellationAsync(cancellationToken);
                }

                if (_failing.ContainsKey(request.Question))
                {
                    throw new InvalidOperationException(FailureMessage);
                }
            }

            if (update.Done is null)
            {
                deltas++;
            }

            yield return update;
        }
    }

    /// <summary>A held question's calls: <see cref="Started"/> when one waits, <see cref="Cancelled"/> when its cancellation arrived.</summary>
    internal sealed class HeldCall
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _cancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public Task Cancelled => _cancelled.Task;

        public async Task WaitForCancellationAsync(CancellationToken cancellationToken)
        {
            _started.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                _cancelled.TrySetResult();
                throw;
            }
        }
    }
}
