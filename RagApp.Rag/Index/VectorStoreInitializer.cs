namespace RagApp.Rag.Index;

/// <summary>
/// Loads the embedded index or prepares the Qdrant collections before the server takes requests, so the first
/// call does not pay for it and a damaged index fails start-up loudly instead of the first request.
/// </summary>
internal sealed class VectorStoreInitializer(IVectorStore store, IndexTelemetry telemetry) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        telemetry.Observe(await store.GetStatsAsync(cancellationToken));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
