namespace RagApp.Rag.Index.Generation;

/// <summary>
/// The lifetime half of the published identity (<see cref="IndexIdentity"/>): it changes whenever generations may
/// start again from 0, so that a reused generation never names an answer the gateways cached for another index.
/// </summary>
internal interface IIndexLifetime
{
    Task<string> GetAsync(CancellationToken cancellationToken);
}
