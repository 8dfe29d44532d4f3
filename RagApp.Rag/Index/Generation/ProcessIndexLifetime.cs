namespace RagApp.Rag.Index.Generation;

/// <summary>
/// A random id made when the process starts: the index of one process (the embedded store, or Qdrant without a shared
/// Redis) is created or loaded only at start-up, so a new process is the only place where a reused generation can
/// appear. The cost is a cold cache after every restart of RagApp.Rag.
/// </summary>
internal sealed class ProcessIndexLifetime : IIndexLifetime
{
    private readonly Task<string> _lifetime = Task.FromResult(Guid.NewGuid().ToString("N"));

    public Task<string> GetAsync(CancellationToken cancellationToken) => _lifetime;
}
