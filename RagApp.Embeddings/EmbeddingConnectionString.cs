using System.Globalization;
using RagApp.Core.AI;

namespace RagApp.Core.Embeddings;

/// <summary>
/// The "embeddings" connection string, Aspire style. Azure OpenAI: <c>Endpoint=https://x.openai.azure.com/;Key=...;Deployment=...</c>;
/// OpenAI or a compatible server: <c>Key=...;Model=...</c> with an optional <c>Endpoint</c>; either may add <c>Dimensions=</c>.
/// The common keys are parsed by <see cref="ModelConnectionString"/>. Errors name the problem but never repeat the
/// string, which holds the key.
/// </summary>
public sealed class EmbeddingConnectionString
{
    /// <summary>The connection string name (<c>ConnectionStrings:embeddings</c>).</summary>
    public const string Name = "embeddings";

    private EmbeddingConnectionString(ModelConnectionString connection, int? dimensions)
    {
        Connection = connection;
        Model = connection.RequireModel();
        Dimensions = dimensions;
    }

    /// <summary>The parsed common part (provider, endpoint, key).</summary>
    public ModelConnectionString Connection { get; }

    /// <summary>Where requests go; for Azure OpenAI the resource's v1 endpoint (…/openai/v1/). Null means OpenAI's default.</summary>
    public Uri? Endpoint => Connection.Endpoint;

    public string Key => Connection.Key;

    /// <summary>The model (OpenAI) or deployment (Azure OpenAI) name sent with every request.</summary>
    public string Model { get; }

    public bool IsAzure => Connection.Provider == ModelProvider.AzureOpenAI;

    public int? Dimensions { get; }

    public static EmbeddingConnectionString Parse(string connectionString)
    {
        // Embeddings take no Provider key and need a key: a keyless Ollama embedding model is not offered.
        var connection = ModelConnectionString.Parse(Name, connectionString, ["Dimensions"], allowProviderChoice: false);
        return new EmbeddingConnectionString(connection, ParseDimensions(connection));
    }

    /// <summary>Everything but the key, for logs and diagnostics.</summary>
    public override string ToString() =>
        $"Endpoint={Endpoint?.ToString() ?? "(OpenAI default)"};Key=***;{(IsAzure ? "Deployment" : "Model")}={Model}"
        + (Dimensions is int dimensions ? string.Create(CultureInfo.InvariantCulture, $";Dimensions={dimensions}") : "");

    private static int? ParseDimensions(ModelConnectionString connection)
    {
        var value = connection.Value("Dimensions");
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var dimensions) && dimensions > 0
            ? dimensions
            : throw connection.Invalid("has a Dimensions that is not a positive integer");
    }
}
