using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;

namespace RagApp.Core.Embeddings;

/// <summary>
/// OpenAI and Azure OpenAI embeddings through the OpenAI client. Azure goes through its v1 endpoint, which the
/// plain client speaks with the key as a bearer token. Azure.AI.OpenAI is avoided: it reaches into OpenAI's
/// internals, so 2.1.0 (built against OpenAI 2.1) fails with MissingMethodException next to the OpenAI 2.15
/// that Microsoft.Extensions.AI.OpenAI needs (Azure/azure-sdk-for-net#53986, #54080).
/// </summary>
internal static class OpenAIEmbeddingGeneratorFactory
{
    public static IEmbeddingGenerator<string, Embedding<float>> Create(EmbeddingConnectionString connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var options = new OpenAIClientOptions();
        if (connection.Endpoint is not null)
        {
            options.Endpoint = connection.Endpoint;
        }

        var client = new EmbeddingClient(connection.Model, new ApiKeyCredential(connection.Key), options);
        return client.AsIEmbeddingGenerator(connection.Dimensions);
    }
}
