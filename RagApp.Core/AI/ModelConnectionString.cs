using System.Data.Common;

namespace RagApp.Core.AI;

/// <summary>
/// An Aspire-style connection string naming a hosted model: <c>Endpoint=...;Key=...;Deployment=...</c> (Azure OpenAI),
/// <c>Key=...;Model=...</c> with an optional <c>Endpoint</c> (OpenAI or a compatible server), or
/// <c>Endpoint=http://localhost:11434;Model=...</c> (Ollama, as Aspire's Ollama integration writes it: no key).
/// A connection string that allows it may name the provider with <c>Provider=AzureOpenAI|OpenAI|Ollama</c>; otherwise
/// it is inferred (a Deployment or an Azure host is Azure OpenAI; an Endpoint without a Key is Ollama where allowed).
/// The embeddings and chat connection strings share this parsing and add keys of their own. Errors name the
/// connection string and the problem but never repeat the string, which holds the key.
/// </summary>
public sealed class ModelConnectionString
{
    /// <summary>Sent as the bearer token to a server that needs none (Ollama), since the OpenAI client requires one.</summary>
    public const string KeylessPlaceholder = "unused";

    private static readonly string[] CommonKeys = ["Endpoint", "Key", "Deployment", "Model"];
    private static readonly string[] AzureHostSuffixes = [".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"];

    private readonly Dictionary<string, string> _values;

    private ModelConnectionString(string name, ModelProvider provider, Uri? endpoint, string key, string? model, bool modelIsDeployment, Dictionary<string, string> values)
    {
        Name = name;
        Provider = provider;
        Endpoint = endpoint;
        Key = key;
        Model = model;
        ModelIsDeployment = modelIsDeployment;
        _values = values;
    }

    /// <summary>The connection string's name (<c>ConnectionStrings:{Name}</c>), used in error messages.</summary>
    public string Name { get; }

    public ModelProvider Provider { get; }

    /// <summary>
    /// Where requests go: for Azure OpenAI the resource's v1 endpoint (…/openai/v1/), for Ollama its …/v1/ endpoint,
    /// otherwise as given. Null means OpenAI's default.
    /// </summary>
    public Uri? Endpoint { get; }

    /// <summary>The key; <see cref="KeylessPlaceholder"/> for a server that takes none.</summary>
    public string Key { get; }

    /// <summary>The Deployment (Azure OpenAI) or Model given, or null when the string names neither.</summary>
    public string? Model { get; }

    /// <summary>Whether <see cref="Model"/> came from <c>Deployment</c>, for messages in the string's own terms.</summary>
    public bool ModelIsDeployment { get; }

    /// <summary>
    /// Parses <paramref name="connectionString"/>, accepting the common keys and <paramref name="extraKeys"/>.
    /// With <paramref name="allowProviderChoice"/> the string may name its provider and may be Ollama (keyless);
    /// without it, a key is required and the provider is OpenAI or Azure OpenAI.
    /// </summary>
    public static ModelConnectionString Parse(string name, string connectionString, IReadOnlyCollection<string> extraKeys, bool allowProviderChoice)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(connectionString);
        ArgumentNullException.ThrowIfNull(extraKeys);
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            // The parser's own message may quote the string; say only what is wrong.
            throw Invalid(name, "is not a list of key=value pairs separated by ';'");
        }

        string[] knownKeys = [.. CommonKeys, .. allowProviderChoice ? ["Provider"] : Array.Empty<string>(), .. extraKeys];
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string key in builder.Keys)
        {
            var known = knownKeys.FirstOrDefault(candidate => candidate.Equals(key, StringComparison.OrdinalIgnoreCase))
                ?? throw Invalid(name, $"has an unknown key '{key}' (expected {string.Join(", ", knownKeys)})");
            if (builder.TryGetValue(key, out var value) && value is string text && !string.IsNullOrWhiteSpace(text))
            {
                values[known] = text.Trim();
            }
        }

        var named = values.TryGetValue("Provider", out var providerName) ? ParseProvider(name, providerName) : (ModelProvider?)null;
        var endpoint = ParseEndpoint(name, values.GetValueOrDefault("Endpoint"));
        var apiKey = values.GetValueOrDefault("Key");
        var deployment = values.GetValueOrDefault("Deployment");
        var model = values.GetValueOrDefault("Model");
        var provider = named
            ?? (deployment is not null || (endpoint is not null && IsAzureHost(endpoint)) ? ModelProvider.AzureOpenAI
                : allowProviderChoice && apiKey is null && endpoint is not null ? ModelProvider.Ollama
                : ModelProvider.OpenAI);

        if (apiKey is null && provider != ModelProvider.Ollama)
        {
            throw Invalid(name, "has no Key (only key-based authentication is supported)");
        }

        if (deployment is not null && model is not null)
        {
            throw Invalid(name, "sets both Deployment and Model; set Deployment for Azure OpenAI or Model for OpenAI");
        }

        if (endpoint is null && provider != ModelProvider.OpenAI)
        {
            throw Invalid(name, deployment is not null
                ? "sets Deployment but no Endpoint; Azure OpenAI needs the resource's Endpoint"
                : $"names {provider} but has no Endpoint");
        }

        endpoint = provider switch
        {
            ModelProvider.AzureOpenAI => ToAzureV1Endpoint(endpoint!),
            ModelProvider.Ollama => ToOllamaV1Endpoint(endpoint!),
            _ => endpoint,
        };
        return new ModelConnectionString(name, provider, endpoint, apiKey ?? KeylessPlaceholder, deployment ?? model, deployment is not null, values);
    }

    /// <summary>The value of one of the extra keys, or null when absent or blank.</summary>
    public string? Value(string key) => _values.GetValueOrDefault(key);

    /// <summary><see cref="Model"/>, or an error saying that the string names none, in the provider's terms.</summary>
    public string RequireModel() =>
        Model ?? throw Invalid(Provider == ModelProvider.AzureOpenAI ? "has no Deployment" : "has no Model");

    /// <summary>An error about this connection string that names the problem only.</summary>
    public FormatException Invalid(string problem) => Invalid(Name, problem);

    /// <summary>Everything but the key, for logs and diagnostics.</summary>
    public override string ToString() =>
        $"Provider={Provider};Endpoint={Endpoint?.ToString() ?? "(OpenAI default)"};Key=***"
        + (Model is null ? "" : $";{(ModelIsDeployment ? "Deployment" : "Model")}={Model}");

    private static ModelProvider ParseProvider(string name, string value) =>
        Enum.TryParse<ModelProvider>(value, ignoreCase: true, out var provider) && Enum.IsDefined(provider)
            ? provider
            : throw Invalid(name, $"has an unknown Provider '{value}' (expected {string.Join(", ", Enum.GetNames<ModelProvider>())})");

    private static Uri? ParseEndpoint(string name, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var endpoint) || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw Invalid(name, "has an Endpoint that is not an absolute http(s) URI");
        }

        if (!string.IsNullOrEmpty(endpoint.UserInfo) || !string.IsNullOrEmpty(endpoint.Query))
        {
            throw Invalid(name, "has an Endpoint with credentials or a query; put the key in Key");
        }

        return endpoint;
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

    /// <summary>
    /// Aspire's Ollama integration gives the server's root (http://host:11434); its OpenAI-compatible API is under
    /// /v1/, which spares a package of its own. An endpoint that already names a path is kept as given.
    /// </summary>
    private static Uri ToOllamaV1Endpoint(Uri endpoint)
    {
        var path = endpoint.AbsolutePath.TrimEnd('/');
        return new UriBuilder(endpoint) { Path = (path.Length == 0 ? "/v1" : path) + "/" }.Uri;
    }

    private static FormatException Invalid(string name, string problem) =>
        new($"The '{name}' connection string {problem}.");
}
