using System.Data.Common;
using System.Globalization;

namespace RagApp.Core.Embeddings;

/// <summary>
/// The "embeddings" connection string, Aspire style. Azure OpenAI: <c>Endpoint=https://x.openai.azure.com/;Key=...;Deployment=...</c>;
/// OpenAI or a compatible server: <c>Key=...;Model=...</c> with an optional <c>Endpoint</c>; either may add <c>Dimensions=</c>.
/// Errors name the problem but never repeat the string, which holds the key.
/// </summary>
public sealed class EmbeddingConnectionString
{
    /// <summary>The connection string name (<c>ConnectionStrings:embeddings</c>).</summary>
    public const string Name = "embeddings";

    private static readonly string[] KnownKeys = ["Endpoint", "Key", "Deployment", "Model", "Dimensions"];
    private static readonly string[] AzureHostSuffixes = [".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"];

    private EmbeddingConnectionString(Uri? endpoint, string key, string model, bool isAzure, int? dimensions)
    {
        Endpoint = endpoint;
        Key = key;
        Model = model;
        IsAzure = isAzure;
        Dimensions = dimensions;
    }

    /// <summary>Where requests go; for Azure OpenAI the resource's v1 endpoint (…/openai/v1/). Null means OpenAI's default.</summary>
    public Uri? Endpoint { get; }

    public string Key { get; }

    /// <summary>The model (OpenAI) or deployment (Azure OpenAI) name sent with every request.</summary>
    public string Model { get; }

    public bool IsAzure { get; }

    public int? Dimensions { get; }

    public static EmbeddingConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            // The parser's own message may quote the string; say only what is wrong.
            throw Invalid("is not a list of key=value pairs separated by ';'");
        }

        foreach (string key in builder.Keys)
        {
            if (!KnownKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                throw Invalid($"has an unknown key '{key}' (expected {string.Join(", ", KnownKeys)})");
            }
        }

        var apiKey = Value(builder, "Key") ?? throw Invalid("has no Key (only key-based authentication is supported)");
        var deployment = Value(builder, "Deployment");
        var model = Value(builder, "Model");
        if (deployment is not null && model is not null)
        {
            throw Invalid("sets both Deployment and Model; set Deployment for Azure OpenAI or Model for OpenAI");
        }

        var endpoint = ParseEndpoint(Value(builder, "Endpoint"));
        var isAzure = deployment is not null || (endpoint is not null && IsAzureHost(endpoint));
        if (isAzure && endpoint is null)
        {
            throw Invalid("sets Deployment but no Endpoint; Azure OpenAI needs the resource's Endpoint");
        }

        var name = deployment ?? model ?? throw Invalid(isAzure ? "has no Deployment" : "has no Model");
        return new EmbeddingConnectionString(isAzure ? ToAzureV1Endpoint(endpoint!) : endpoint, apiKey, name, isAzure, ParseDimensions(Value(builder, "Dimensions")));
    }

    /// <summary>Everything but the key, for logs and diagnostics.</summary>
    public override string ToString() =>
        $"Endpoint={Endpoint?.ToString() ?? "(OpenAI default)"};Key=***;{(IsAzure ? "Deployment" : "Model")}={Model}"
        + (Dimensions is int dimensions ? string.Create(CultureInfo.InvariantCulture, $";Dimensions={dimensions}") : "");

    private static string? Value(DbConnectionStringBuilder builder, string key) =>
        builder.TryGetValue(key, out var value) && value is string text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : null;

    private static Uri? ParseEndpoint(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw Invalid("has an Endpoint that is not an absolute http(s) URI");
        }

        if (!string.IsNullOrEmpty(endpoint.UserInfo) || !string.IsNullOrEmpty(endpoint.Query))
        {
            throw Invalid("has an Endpoint with credentials or a query; put the key in Key");
        }

        return endpoint;
    }

    private static int? ParseDimensions(string? value)
    {
        if (value is null)
        {
            return null;
        }

        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var dimensions) && dimensions > 0
            ? dimensions
            : throw Invalid("has a Dimensions that is not a positive integer");
    }

    private static bool IsAzureHost(Uri endpoint) =>
        AzureHostSuffixes.Any(suffix => endpoint.Host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Azure OpenAI's v1 API takes the plain OpenAI client (no api-version, the deployment as the model), so
    /// a bare resource endpoint becomes …/openai/v1/; an endpoint that already names a path is kept as given.
    /// </summary>
    private static Uri ToAzureV1Endpoint(Uri endpoint)
    {
        var path = endpoint.AbsolutePath.TrimEnd('/');
        var v1 = path.Length == 0 || path.Equals("/openai", StringComparison.OrdinalIgnoreCase) ? "/openai/v1/" : path + "/";
        return new UriBuilder(endpoint) { Path = v1 }.Uri;
    }

    private static FormatException Invalid(string problem) =>
        new($"The '{Name}' connection string {problem}.");
}
