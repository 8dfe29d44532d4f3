using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using RagApp.Ingest.Worker.Telemetry;

namespace RagApp.Ingest.Worker.Embedding;

/// <summary>
/// Funnels the embedding work of every job in flight into full batches for one model runner. Small
/// documents give one or two chunks each; embedding them one document at a time would leave the model
/// running tiny batches, so concurrent jobs share batches instead.
/// </summary>
internal sealed partial class EmbeddingBatcher(
    IEmbeddingGenerator<string, Embedding<float>> generator,
    IOptions<EmbeddingBatcherOptions> options,
    IngestTelemetry telemetry,
    ILogger<EmbeddingBatcher> logger) : BackgroundService
{
    private readonly Channel<PendingEmbedding> _pending = Channel.CreateUnbounded<PendingEmbedding>(
        new UnboundedChannelOptions { SingleReader = false });

    /// <summary>Lanes running a model call right now.</summary>
    private int _busyLanes;

    /// <summary>Embeds the texts (in order), sharing model batches with other callers.</summary>
    public async Task<ReadOnlyMemory<float>[]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var items = new PendingEmbedding[texts.Count];
        for (var i = 0; i < texts.Count; i++)
        {
            items[i] = new PendingEmbedding(texts[i], cancellationToken);
            await _pending.Writer.WriteAsync(items[i], cancellationToken);
        }

        var vectors = new ReadOnlyMemory<float>[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            vectors[i] = await items[i].Result.Task.WaitAsync(cancellationToken);
        }

        return vectors;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.ConcurrentBatches)
            .Select(_ => Task.Run(() => RunLaneAsync(stoppingToken), stoppingToken)));

    /// <summary>
    /// One lane: takes a batch whenever it is free and runs it. Lanes run side by side, so the model never waits for
    /// a batch to be gathered, and no lane waits for another's batch to finish.
    /// </summary>
    private async Task RunLaneAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var batch = new List<PendingEmbedding>(settings.MaxBatchSize);
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            await WaitBrieflyForMoreAsync(reader, settings, stoppingToken);
            // Share the work with the lanes that are idle too: ten texts on two idle lanes run as five and five.
            var idleLanes = Math.Max(1, settings.ConcurrentBatches - Volatile.Read(ref _busyLanes));
            var share = Math.Clamp((reader.Count + idleLanes - 1) / idleLanes, 1, settings.MaxBatchSize);
            while (batch.Count < share && reader.TryRead(out var item))
            {
                if (!(item.CancellationToken.IsCancellationRequested && item.Result.TrySetCanceled(item.CancellationToken)))
                {
                    batch.Add(item);
                }
            }

            if (batch.Count > 0)
            {
                Interlocked.Increment(ref _busyLanes);
                try
                {
                    await RunBatchAsync(batch, stoppingToken);
                }
                finally
                {
                    Interlocked.Decrement(ref _busyLanes);
                }
            }
        }
    }

    /// <summary>
    /// With less than a full batch waiting, gives other jobs' chunks <see cref="EmbeddingBatcherOptions.MaxBatchDelay"/>
    /// to arrive: under load a full batch is already waiting and nothing is delayed; a lone job's chunks (written one
    /// by one) end up in one batch instead of several.
    /// </summary>
    private static async Task WaitBrieflyForMoreAsync(ChannelReader<PendingEmbedding> reader, EmbeddingBatcherOptions settings, CancellationToken stoppingToken)
    {
        if (reader.Count >= settings.MaxBatchSize || settings.MaxBatchDelay <= TimeSpan.Zero)
        {
            return;
        }

        await Task.Delay(settings.MaxBatchDelay, stoppingToken);
    }

    private async Task RunBatchAsync(List<PendingEmbedding> batch, CancellationToken stoppingToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var embeddings = await generator.GenerateAsync(batch.Select(item => item.Text), cancellationToken: stoppingToken);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(embeddings[i].Vector);
            }

            telemetry.ChunksEmbedded.Add(batch.Count);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogBatchFailed(logger, batch.Count, exception);
            foreach (var item in batch)
            {
                item.Result.TrySetException(exception);
            }
        }
        finally
        {
            telemetry.EmbeddingBatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
            telemetry.EmbeddingBatchSize.Record(batch.Count);
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
