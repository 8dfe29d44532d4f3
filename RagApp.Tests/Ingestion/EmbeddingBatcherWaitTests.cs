using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RagApp.Core.Embeddings;

namespace RagApp.Tests.Ingestion;

/// <summary>When a free lane waits for company (<see cref="EmbeddingBatcherOptions.MaxBatchDelay"/>), with the real model.</summary>
public sealed class EmbeddingBatcherWaitTests
{
    private const int Timeout = 60_000;

    /// <summary>Far longer than a model call of one short text, so whether it was waited for shows.</summary>
    private static readonly TimeSpan LongDelay = TimeSpan.FromSeconds(20);

    [Fact(Timeout = Timeout)]
    public async Task WithoutTheIdleWait_ALoneTextStartsAtOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var model = Model();
        using var batcher = await StartAsync(model, waitWhenAllLanesIdle: false, cancellationToken);

        // The lane is idle: the text must not sit out the 20 s delay (a model call takes milliseconds).
        var vector = await batcher.Submit(["when was the bridge built?"], cancellationToken)[0].WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);

        Assert.Equal(MiniLmEmbeddingGenerator.Dimensions, vector.Length);
        await batcher.StopAsync(cancellationToken);
    }

    [Fact(Timeout = Timeout)]
    public async Task WithTheIdleWait_ALoneTextWaitsForCompany()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var model = Model();
        using var batcher = await StartAsync(model, waitWhenAllLanesIdle: true, cancellationToken);

        var alone = batcher.Submit(["when was the bridge built?"], cancellationToken)[0];

        // Still waiting after far longer than the model needs: the lane holds it for the delay.
        await Assert.ThrowsAsync<TimeoutException>(() => alone.WaitAsync(TimeSpan.FromSeconds(2), cancellationToken));
        await batcher.StopAsync(cancellationToken);
    }

    private static MiniLmEmbeddingGenerator Model() =>
        new(new LocalEmbeddingOptions { ParallelBatches = 1 }, logger: NullLogger<MiniLmEmbeddingGenerator>.Instance);

    /// <summary>A running batcher of one lane that waits <see cref="LongDelay"/> for company.</summary>
    private static async Task<EmbeddingBatcher> StartAsync(MiniLmEmbeddingGenerator model, bool waitWhenAllLanesIdle, CancellationToken cancellationToken)
    {
        var options = new EmbeddingBatcherOptions { MaxBatchDelay = LongDelay, WaitWhenAllLanesIdle = waitWhenAllLanesIdle, ConcurrentBatches = 1 };
        var batcher = new EmbeddingBatcher(model, Options.Create(options), new NoMetrics(), NullLogger<EmbeddingBatcher>.Instance);
        await batcher.StartAsync(cancellationToken);
        return batcher;
    }

    private sealed class NoMetrics : IEmbeddingBatchMetrics
    {
        public void RecordBatch(int size, TimeSpan duration, bool succeeded)
        {
        }
    }
}
