namespace RagApp.Rag.Index.Generation;

/// <summary>
/// Tells the gateways' query caches that the index changed. Called after every index write, before the write is
/// acknowledged; it never throws and never waits on an unreachable Redis (a failed publication is retried in the
/// background).
/// </summary>
internal interface IIndexGenerationPublisher
{
    /// <summary>Publishes <paramref name="generation"/> (or a later one already known) as the current generation.</summary>
    Task PublishAsync(long generation, CancellationToken cancellationToken);
}
