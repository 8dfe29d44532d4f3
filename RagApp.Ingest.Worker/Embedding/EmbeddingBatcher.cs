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
            .Select(_ => Task.Run(() => RunBatchesAsync(stoppingToken), stoppingToken)));

    private async Task RunBatchesAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var batch = new List<PendingEmbedding>(settings.MaxBatchSize);
        var reader = _pending.Reader;
        while (await reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            await FillBatchAsync(reader, batch, settings, stoppingToken);
            batch.RemoveAll(item => item.CancellationToken.IsCancellationRequested && item.Result.TrySetCanceled(item.CancellationToken));
            if (batch.Count > 0)
            {
                await RunBatchAsync(batch, stoppingToken);
            }
        }
    }

    private static async Task FillBatchAsync(
        ChannelReader<PendingEmbedding> reader, List<PendingEmbedding> batch, EmbeddingBatcherOptions settings, CancellationToken stoppingToken)
    {
        while (batch.Count < settings.MaxBatchSize && reader.TryRead(out var item))
        {
            batch.Add(item);
        }

        if (batch.Count >= settings.MaxBatchSize || settings.MaxBatchDelay <= TimeSpan.Zero)
        {
            return;
        }

        // A partial batch waits briefly for other jobs' chunks; the model is the bottleneck, so a few
        // milliseconds spent filling the batch pay for themselves.
        using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        delay.CancelAfter(settings.MaxBatchDelay);
        try
        {
            while (batch.Count < settings.MaxBatchSize && await reader.WaitToReadAsync(delay.Token))
            {
                while (batch.Count < settings.MaxBatchSize && reader.TryRead(out var item))
                {
                    batch.Add(item);
                }
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The wait is over; run what we have.
        }
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
