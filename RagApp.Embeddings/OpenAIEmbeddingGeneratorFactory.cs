using Microsoft.Extensions.AI;
using RagApp.Core.AI;

namespace RagApp.Core.Embeddings;

/// <summary>OpenAI and Azure OpenAI embeddings through the OpenAI client (see <see cref="OpenAIClientFactory"/>).</summary>
internal static class OpenAIEmbeddingGeneratorFactory
{
    public static IEmbeddingGenerator<string, Embedding<float>> Create(EmbeddingConnectionString connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return OpenAIClientFactory.Create(connection.Connection)
            .GetEmbeddingClient(connection.Model)
            .AsIEmbeddingGenerator(connection.Dimensions);
    }
}
