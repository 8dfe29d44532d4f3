namespace RagApp.Core.AI;

/// <summary>Who serves a model named by a connection string; all three speak the OpenAI API.</summary>
public enum ModelProvider
{
    /// <summary>OpenAI, or any server that speaks its API with a key.</summary>
    OpenAI,

    /// <summary>Azure OpenAI through its v1 endpoint (the deployment is sent as the model).</summary>
    AzureOpenAI,

    /// <summary>Ollama through its OpenAI-compatible <c>/v1</c> endpoint; no key needed.</summary>
    Ollama,
}
