namespace RagApp.Rag.Index.Generation;

/// <summary>Without a "redis" connection string there is nobody to tell: the gateways then never cache an answer.</summary>
internal sealed class DisabledIndexGenerationPublisher : IIndexGenerationPublisher
{
    public Task PublishAsync(long generation, CancellationToken cancellationToken) => Task.CompletedTask;
}
