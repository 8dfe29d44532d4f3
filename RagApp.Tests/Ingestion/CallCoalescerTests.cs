using RagApp.Ingest.Worker.Indexing;

namespace RagApp.Tests.Ingestion;

public sealed class CallCoalescerTests
{
    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ItemsArrivingDuringACall_GoOutTogetherInTheNext_EachGettingItsOwnResult()
    {
        var batches = new List<int[]>();
        var firstCallEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var releaseFirstCall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new CallCoalescer<int, string>(async (items, cancellationToken) =>
        {
            lock (batches)
            {
                batches.Add([.. items]);
            }

            if (items.Contains(0))
            {
                firstCallEntered.TrySetResult();
                await releaseFirstCall.Task.WaitAsync(cancellationToken);
            }

            return [.. items.Select(item => $"result {item}")];
        }, maxItems: 100, weightOf: _ => 1, maxWeight: 100, TimeSpan.FromSeconds(30));

        var first = coalescer.CallAsync(0, CancellationToken);
        await firstCallEntered.Task.WaitAsync(CancellationToken);
        var later = Enumerable.Range(1, 10).Select(item => coalescer.CallAsync(item, CancellationToken)).ToArray();
        releaseFirstCall.SetResult();

        Assert.Equal("result 0", await first);
        Assert.Equal(Enumerable.Range(1, 10).Select(item => $"result {item}"), await Task.WhenAll(later));
        Assert.Equal([[0], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], batches);
    }

    [Fact]
    public async Task ABatch_KeepsToItsItemAndWeightLimits_ButAHeavyItemStillGoesAlone()
    {
        var batches = new List<int[]>();
        var firstCallEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new CallCoalescer<int, int>(async (items, cancellationToken) =>
        {
            lock (batches)
            {
                batches.Add([.. items]);
            }

            firstCallEntered.TrySetResult();
            await gate.Task.WaitAsync(cancellationToken);
            return [.. items];
        }, maxItems: 3, weightOf: item => item, maxWeight: 10, TimeSpan.FromSeconds(30));

        // The first call takes item 1 alone; the rest queue behind it.
        var calls = new List<Task<int>> { coalescer.CallAsync(1, CancellationToken) };
        await firstCallEntered.Task.WaitAsync(CancellationToken);
        int[] queued = [2, 2, 2, 2, 50, 3, 3];
        calls.AddRange(queued.Select(item => coalescer.CallAsync(item, CancellationToken)));
        gate.SetResult();
        await Task.WhenAll(calls);

        Assert.Equal([[1], [2, 2, 2], [2], [50], [3, 3]], batches);
    }

    [Fact]
    public async Task AFailedCall_FailsEveryItemOfItsBatch_AndTheNextBatchStillGoesOut()
    {
        var calls = 0;
        var coalescer = new CallCoalescer<int, int>((items, _) =>
            Interlocked.Increment(ref calls) == 1
                ? throw new InvalidOperationException("the index is down")
                : Task.FromResult<IReadOnlyList<int>>([.. items.Select(item => item * 2)]),
            maxItems: 10, weightOf: _ => 1, maxWeight: 10, TimeSpan.FromSeconds(30));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => coalescer.CallAsync(1, CancellationToken));

        Assert.Equal("the index is down", failure.Message);
        Assert.Equal(42, await coalescer.CallAsync(21, CancellationToken));
    }

    [Fact]
    public async Task ACallThatHangs_TimesOut_AndDoesNotHoldBackLaterItems()
    {
        var hangingCallEntered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var coalescer = new CallCoalescer<int, int>(async (items, cancellationToken) =>
        {
            if (items.Contains(0))
            {
                hangingCallEntered.TrySetResult();
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return [.. items];
        }, maxItems: 10, weightOf: _ => 1, maxWeight: 10, TimeSpan.FromMilliseconds(200));

        var hanging = coalescer.CallAsync(0, CancellationToken);
        await hangingCallEntered.Task.WaitAsync(CancellationToken);
        var later = coalescer.CallAsync(7, CancellationToken);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hanging);
        Assert.Equal(7, await later);
    }
}
