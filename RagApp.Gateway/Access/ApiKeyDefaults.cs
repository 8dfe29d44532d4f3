namespace RagApp.Gateway.Access;

/// <summary>Names of the API-key scheme, its policy, its claim and the headers a key comes in.</summary>
internal static class ApiKeyDefaults
{
    public const string Scheme = "ApiKey";

    /// <summary>The authorization policy of every endpoint that needs a key (documents, jobs, queries).</summary>
    public const string Policy = "ApiKey";

    /// <summary>The claim holding the key's fingerprint (<see cref="ApiKeyRing"/>), never the key.</summary>
    public const string FingerprintClaim = "ragapp:api_key";

    public const string Header = "X-Api-Key";

    public const string BearerPrefix = "Bearer ";
}
