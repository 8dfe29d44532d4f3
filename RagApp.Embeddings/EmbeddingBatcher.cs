using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace RagApp.Core.Embeddings;

/// <summary>
/// Funnels the embedding work of every caller in flight into full batches for one model runner, on threads of its
/// own. In the worker, small documents give one or two chunks each; embedding them one document at a time would leave
/// the model running tiny batches, so concurrent jobs share batches instead. In RagApp.Rag, concurrent questions share
/// batches the same way, and the model never computes on a request thread.
/// </summary>
public sealed partial class EmbeddingBatcher(
    IEmbeddingGenerator<string, Embedding<float>> generator,
    IOptions<EmbeddingBatcherOptions> options,
    IEmbeddingBatchMetrics metrics,
    ILogger<EmbeddingBatcher> logger) : BackgroundService
{
    private readonly Channel<PendingEmbedding> _pending = Channel.CreateUnbounded<PendingEmbedding>(
        new UnboundedChannelOptions { SingleReader = false });

    /// <summary>Lanes running a model call right now.</summary>
    private int _busyLanes;

    private long _sequence;

    /// <summary>
    /// Queues the texts, to share model batches with other callers, and returns one task per text (in order), each
    /// completing when the model batch that took it is done: a caller can act on each vector as it comes (a long
    /// document's vectors arrive over many batches).
    /// </summary>
    public IReadOnlyList<Task<ReadOnlyMemory<float>>> Submit(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var results = new Task<ReadOnlyMemory<float>>[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            var item = new PendingEmbedding(texts[i], Interlocked.Increment(ref _sequence), cancellationToken);
            results[i] = item.Result.Task;
            if (!_pending.Writer.TryWrite(item))
            {
                // Only a stopping batcher refuses (the channel is unbounded).
                item.Result.TrySetCanceled(cancellationToken.IsCancellationRequested ? cancellationToken : new CancellationToken(canceled: true));
            }
        }

        return results;
    }

    /// <summary>
    /// Starts one thread per lane. A local model call computes on its caller's thread for a second or more; on the
    /// thread pool the lanes would hold as many pool threads as there are cores, and everything else the worker awaits
    /// (Redis replies, gRPC calls, lease renewals, a stop request) would queue behind them until the pool grew.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.ConcurrentBatches).Select(lane => StartLane(lane, stoppingToken)));

    private Task StartLane(int lane, CancellationToken stoppingToken)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                RunLane(stoppingToken);
                ended.TrySetResult();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                ended.TrySetResult();
            }
            catch (Exception exception)
            {
                ended.TrySetException(exception);
            }
        })
        {
            IsBackground = true,
            Name = $"embedding-lane-{lane}",
        };
        thread.Start();
        return ended.Task;
    }

    /// <summary>
    /// One lane: takes a batch whenever it is free and runs it. Lanes run side by side, so the model never waits for
    /// a batch to be gathered, and no lane waits for another's batch to finish.
    /// </summary>
    private void RunLane(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var reader = _pending.Reader;
        var waiting = new List<PendingEmbedding>();
        while (WaitToRead(reader, stoppingToken))
        {
            if (settings.WaitWhenAllLanesIdle || Volatile.Read(ref _busyLanes) > 0)
            {
                WaitBrieflyForMore(reader, settings, stoppingToken);
            }
            waiting.Clear();
            while (reader.TryRead(out var item))
            {
                if (!(item.CancellationToken.IsCancellationRequested && item.Result.TrySetCanceled(item.CancellationToken)))
                {
                    waiting.Add(item);
                }
            }

            if (waiting.Count == 0)
            {
                continue;
            }

            // Share the work with the lanes that are idle too: ten texts on two idle lanes run as five and five.
            var idleLanes = Math.Max(1, settings.ConcurrentBatches - Volatile.Read(ref _busyLanes));
            var share = Math.Clamp((waiting.Count + idleLanes - 1) / idleLanes, 1, settings.MaxBatchSize);
            var batch = TakeSimilarLengths(waiting, share);
            foreach (var left in waiting)
            {
                // Back in line for the next free lane (and it wakes that lane); their sequence keeps their age.
                _pending.Writer.TryWrite(left);
            }

            Interlocked.Increment(ref _busyLanes);
            try
            {
                RunBatch(batch, stoppingToken);
            }
            finally
            {
                Interlocked.Decrement(ref _busyLanes);
            }
        }
    }

    /// <summary>
    /// Takes <paramref name="count"/> texts of similar length out of <paramref name="waiting"/>: the model pads each
    /// inner batch to its longest text, and texts picked from everything that waits are closer in length than texts
    /// taken in arrival order (simulated on cranfield chunks: ≈ 13 % padding for calls of 32 random texts, ≈ 3 % for
    /// sorted runs out of 250; measured in the worker while ingesting cranfield: 4 %). The run is the one around the
    /// oldest text, so every text is served in turn and none waits forever.
    /// </summary>
    internal static List<PendingEmbedding> TakeSimilarLengths(List<PendingEmbedding> waiting, int count)
    {
        if (count >= waiting.Count)
        {
            var all = new List<PendingEmbedding>(waiting);
            waiting.Clear();
            return all;
        }

        waiting.Sort(static (a, b) => a.Text.Length != b.Text.Length ? a.Text.Length.CompareTo(b.Text.Length) : a.Sequence.CompareTo(b.Sequence));
        var oldest = 0;
        for (var i = 1; i < waiting.Count; i++)
        {
            if (waiting[i].Sequence < waiting[oldest].Sequence)
            {
                oldest = i;
            }
        }

        var start = Math.Clamp(oldest - (count / 2), 0, waiting.Count - count);
        var batch = waiting.GetRange(start, count);
        waiting.RemoveRange(start, count);
        return batch;
    }

    /// <summary>
    /// With less than a full batch waiting, gives other jobs' chunks <see cref="EmbeddingBatcherOptions.MaxBatchDelay"/>
    /// to arrive: under load a full batch is already waiting and nothing is delayed; a lone job's chunks (written one
    /// by one) end up in one batch instead of several.
    /// </summary>
    private static void WaitBrieflyForMore(ChannelReader<PendingEmbedding> reader, EmbeddingBatcherOptions settings, CancellationToken stoppingToken)
    {
        if (reader.Count >= settings.MaxBatchSize || settings.MaxBatchDelay <= TimeSpan.Zero)
        {
            return;
        }

        stoppingToken.WaitHandle.WaitOne(settings.MaxBatchDelay);
    }

    /// <summary>Blocks the lane's thread until a text waits (true) or the channel is completed (false).</summary>
    private static bool WaitToRead(ChannelReader<PendingEmbedding> reader, CancellationToken stoppingToken)
    {
        var wait = reader.WaitToReadAsync(stoppingToken);
        return wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
    }

    private void RunBatch(List<PendingEmbedding> batch, CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        GeneratedEmbeddings<Embedding<float>> embeddings;
        try
        {
            // The local model completes synchronously on this thread; a remote provider's call is waited for here,
            // which is what the lane would do anyway.
            embeddings = generator.GenerateAsync(batch.Select(item => item.Text), cancellationToken: stoppingToken).GetAwaiter().GetResult();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            metrics.RecordBatch(batch.Count, Stopwatch.GetElapsedTime(started), succeeded: false);
            LogBatchFailed(logger, batch.Count, exception);
            foreach (var item in batch)
            {
                item.Result.TrySetException(exception);
            }

            return;
        }
        catch (OperationCanceledException)
        {
            metrics.RecordBatch(batch.Count, Stopwatch.GetElapsedTime(started), succeeded: false);
            throw;
        }

        // Recorded before the callers are released: whoever reads the metrics once its texts are embedded sees this batch.
        metrics.RecordBatch(batch.Count, Stopwatch.GetElapsedTime(started), succeeded: true);
        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Result.TrySetResult(embeddings[i].Vector);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (_pending.Reader.TryRead(out var item))
        {
            item.Result.TrySetCanceled(cancellationToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedding a batch of {Count} texts failed")]
    private static partial void LogBatchFailed(ILogger logger, int count, Exception exception);
}
