using System.Data.Common;

namespace RagApp.Rag.Index.Qdrant;

/// <summary>The Aspire-style connection string of Qdrant's gRPC endpoint: <c>Endpoint=http://host:6334;Key=apikey</c>.</summary>
internal sealed record QdrantConnectionSettings(Uri Endpoint, string? ApiKey)
{
    public static QdrantConnectionSettings Parse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"VectorStore:Provider is Qdrant but connection string '{QdrantStoreOptions.ConnectionName}' is missing " +
                "(expected Endpoint=http://host:6334;Key=apikey).");
        }

        var builder = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!builder.TryGetValue("Endpoint", out var endpoint)
            || !Uri.TryCreate(endpoint?.ToString(), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException(
                $"Connection string '{QdrantStoreOptions.ConnectionName}' needs Endpoint=http(s)://host:port (Qdrant's gRPC port, 6334 by default).");
        }

        var key = builder.TryGetValue("Key", out var value) ? value?.ToString() : null;
        return new QdrantConnectionSettings(uri, string.IsNullOrEmpty(key) ? null : key);
    }
}
