using System.Globalization;
using System.Text.Json;

namespace RagApp.Gateway.Documents;

/// <summary>
/// Turns the client's metadata object into the string map the index stores and filters on. Strings,
/// numbers and booleans are accepted (numbers and booleans keep their JSON spelling); nested objects
/// and arrays are refused so that a filter on a key always compares one plain value.
/// </summary>
internal static class MetadataReader
{
    public const int MaxKeyLength = 64;
    public const int MaxValueLength = 1024;

    public static Dictionary<string, string> Read(
        IReadOnlyDictionary<string, JsonElement>? metadata, int maxEntries, string field, IDictionary<string, string[]> errors)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is null)
        {
            return result;
        }

        if (metadata.Count > maxEntries)
        {
            errors[field] = [string.Create(CultureInfo.InvariantCulture, $"at most {maxEntries} entries are allowed, got {metadata.Count}")];
            return result;
        }

        foreach (var (key, value) in metadata)
        {
            var path = $"{field}.{key}";
            if (key.Length is 0 or > MaxKeyLength)
            {
                errors[field] = [$"keys must be 1 to {MaxKeyLength} characters ('{Truncate(key)}')"];
                continue;
            }

            if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
            {
                errors[path] = ["must be a string, number or boolean"];
                continue;
            }

            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => null,
            };
            if (text is null)
            {
                continue;
            }

            if (text.Length > MaxValueLength)
            {
                errors[path] = [$"values must be at most {MaxValueLength} characters"];
                continue;
            }

            result[key] = text;
        }

        return result;
    }

    public static Dictionary<string, string> Read(
        string? json, int maxEntries, string field, IDictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        Dictionary<string, JsonElement>? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json);
        }
        catch (JsonException)
        {
            errors[field] = ["must be a JSON object of string, number or boolean values"];
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return Read(parsed, maxEntries, field, errors);
    }

    private static string Truncate(string key) => key.Length > 20 ? key[..20] + "…" : key;
}
