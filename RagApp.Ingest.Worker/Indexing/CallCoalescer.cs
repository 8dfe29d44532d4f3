namespace RagApp.Ingest.Worker.Indexing;

/// <summary>
/// Turns many concurrent single-item calls into few batch calls, without adding latency: the first item goes out at
/// once; items that arrive while a batch call is on the wire go out together in the next one, as soon as it returns.
/// The worker's jobs finish in bursts (a model batch completes dozens of small documents at once), so their index
/// lookups and writes become a handful of calls and one fsync each instead of one per document.
/// </summary>
/// <param name="send">Sends a batch; returns one result per item, in order. An exception fails every item of the batch.</param>
/// <param name="maxItems">Most items in one call.</param>
/// <param name="weightOf">An item's share of <paramref name="maxWeight"/> (e.g. its chunks); a heavier item still goes alone.</param>
/// <param name="maxWeight">Most total weight in one call, which bounds the message size.</param>
/// <param name="callTimeout">How long one batch call may take; a call that hangs must not hold every later item back.</param>
internal sealed class CallCoalescer<TItem, TResult>(
    Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> send,
    int maxItems,
    Func<TItem, int> weightOf,
    int maxWeight,
    TimeSpan callTimeout)
{
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _pending = new();
    private bool _sending;

    public Task<TResult> CallAsync(TItem item, CancellationToken cancellationToken)
    {
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (_gate)
        {
            _pending.Enqueue(pending);
            start = !_sending;
            _sending = true;
        }

        if (start)
        {
            _ = Task.Run(SendAllAsync, CancellationToken.None);
        }

        // A caller that gives up stops waiting; the item still goes out with its batch (others depend on that call).
        return pending.Result.Task.WaitAsync(cancellationToken);
    }

    private async Task SendAllAsync()
    {
        while (TakeBatch() is { } batch)
        {
            try
            {
                using var timeout = new CancellationTokenSource(callTimeout);
                var results = await send([.. batch.Select(pending => pending.Item)], timeout.Token);
                if (results.Count != batch.Count)
                {
                    throw new InvalidOperationException($"A batch of {batch.Count} items was answered with {results.Count} results.");
                }

                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Result.TrySetResult(results[i]);
                }
            }
            catch (Exception exception)
            {
                foreach (var pending in batch)
                {
                    pending.Result.TrySetException(exception);
                }
            }
        }
    }

    /// <summary>The next batch, or null (and no longer sending) when nothing is waiting.</summary>
    private List<Pending>? TakeBatch()
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                _sending = false;
                return null;
            }

            var batch = new List<Pending>();
            var weight = 0;
            while (_pending.TryPeek(out var next) && batch.Count < maxItems
                && (batch.Count == 0 || weight + weightOf(next.Item) <= maxWeight))
            {
                weight += weightOf(_pending.Dequeue().Item);
                batch.Add(next);
            }

            return batch;
        }
    }

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Result);
}
