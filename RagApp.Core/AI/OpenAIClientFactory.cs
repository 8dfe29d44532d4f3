using System.ClientModel;
using OpenAI;

namespace RagApp.Core.AI;

/// <summary>
/// One OpenAI client for a <see cref="ModelConnectionString"/>, whichever the provider: Azure OpenAI and Ollama both go
/// through their OpenAI-compatible v1 endpoints with the plain client, the key (or a placeholder) as bearer token.
/// Azure.AI.OpenAI is avoided: it reaches into OpenAI's internals, so 2.1.0 (built against OpenAI 2.1) fails with
/// MissingMethodException next to the OpenAI 2.15 that Microsoft.Extensions.AI.OpenAI needs
/// (Azure/azure-sdk-for-net#53986, #54080).
/// </summary>
public static class OpenAIClientFactory
{
    public static OpenAIClient Create(ModelConnectionString connection, TimeSpan? networkTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return new OpenAIClient(new ApiKeyCredential(connection.Key), Options(connection, networkTimeout));
    }

    public static OpenAIClientOptions Options(ModelConnectionString connection, TimeSpan? networkTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var options = new OpenAIClientOptions();
        if (connection.Endpoint is not null)
        {
            options.Endpoint = connection.Endpoint;
        }

        if (networkTimeout is { } timeout)
        {
            options.NetworkTimeout = timeout;
        }

        return options;
    }
}
