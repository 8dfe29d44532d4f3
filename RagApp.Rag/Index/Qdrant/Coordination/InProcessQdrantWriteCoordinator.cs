using Microsoft.Extensions.Logging;

namespace RagApp.Rag.Index.Qdrant.Coordination;

/// <summary>
/// Coordination within one process, used when there is no "redis" connection: correct for a single RagApp.Rag replica
/// only, since another process has its own counter and locks. It says so in the log when the service starts with it,
/// since nothing else would tell an operator who scaled RagApp.Rag out that its replicas now race each other's writes.
/// </summary>
internal sealed partial class InProcessQdrantWriteCoordinator : IQdrantWriteCoordinator, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (long Version, long Generation)> _documents = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _registryGate = new(1, 1);
    private long _generation;

    public InProcessQdrantWriteCoordinator(ILogger<InProcessQdrantWriteCoordinator>? logger = null)
    {
        if (logger is not null)
        {
            LogSingleReplicaOnly(logger);
        }
    }

    public Task<QdrantWriteClaim> ClaimAsync(string documentId, long incomingVersion, long storedVersion, long generationFloor, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _documents.TryGetValue(documentId, out var held);
            var heldVersion = Math.Max(held.Version, storedVersion);
            if (DocumentVersions.IsSuperseded(heldVersion, incomingVersion))
            {
                return Task.FromResult(new QdrantWriteClaim(0, heldVersion));
            }

            _generation = Math.Max(_generation, generationFloor) + 1;
            var after = DocumentVersions.AfterWrite(heldVersion, incomingVersion);
            _documents[documentId] = (after, _generation);
            return Task.FromResult(new QdrantWriteClaim(_generation, after));
        }
    }

    public Task<long> LatestGenerationAsync(string documentId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_documents.TryGetValue(documentId, out var held) ? held.Generation : 0);
        }
    }

    public Task<long> CurrentGenerationAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_generation);
        }
    }

    /// <summary>One lock for all documents: within a process the registry step is one short request.</summary>
    public async Task<IAsyncDisposable> LockDocumentAsync(string documentId, CancellationToken cancellationToken)
    {
        await _registryGate.WaitAsync(cancellationToken);
        return new Release(_registryGate);
    }

    public void Dispose() => _registryGate.Dispose();

    private sealed class Release(SemaphoreSlim gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Qdrant store has no \"redis\" connection: index generations and the order of each document's writes are kept in this process only, which is correct for one RagApp.Rag replica and wrong for more (their writes would race). Give RagApp.Rag the \"redis\" connection before running a second replica.")]
    private static partial void LogSingleReplicaOnly(ILogger logger);
}
