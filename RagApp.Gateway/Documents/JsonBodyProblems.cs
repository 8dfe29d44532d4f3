using System.Globalization;
using System.Text.Json;

namespace RagApp.Gateway.Documents;

/// <summary>
/// Says what is wrong with a JSON body in the client's terms: the field at fault and what it must be. The serializer's
/// own message names .NET types (it is written for the developer of the service, not for its clients).
/// </summary>
internal static partial class JsonBodyProblems
{
    public static (string Title, string Field, string Message) Describe(JsonException exception) => Describe(exception, ExpectedValue);

    /// <param name="expectedValue">What the field (as the client spells it, e.g. "filter.metadata") must be.</param>
    public static (string Title, string Field, string Message) Describe(JsonException exception, Func<string, string> expectedValue)
    {
        var field = FieldOf(exception.Path);
        if (exception.InnerException?.Message.Contains("UTF-8", StringComparison.Ordinal) == true)
        {
            return ("The request body is not valid JSON.", field, "is not valid UTF-8 text");
        }

        if (exception.Message.Contains("maximum configured depth", StringComparison.Ordinal))
        {
            return ("The request body is not valid JSON.", "body", "nests arrays or objects too deeply");
        }

        if (exception.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal))
        {
            return ("The request body does not have the expected shape.", field, expectedValue(field));
        }

        // Types that refuse unknown properties ([JsonUnmappedMemberHandling(Disallow)]).
        if (UnmappedMember().Match(exception.Message) is { Success: true } unmapped)
        {
            // The path names the property already ("$.filter.documents"); without a path, the property is the field.
            var name = unmapped.Groups["name"].Value;
            return ("The request body does not have the expected shape.", field == "body" ? name : field, "is not a known property");
        }

        var where = exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? string.Create(CultureInfo.InvariantCulture, $" (line {line + 1}, byte {position + 1})")
            : "";
        return ("The request body is not valid JSON.", "body", $"is not valid JSON{where}");
    }

    /// <summary>"$.metadata.team" → "metadata.team"; the root ("$") is the body itself.</summary>
    private static string FieldOf(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static string ExpectedValue(string field) => field switch
    {
        "body" => "must be a JSON object: {\"text\": ..., \"title\"?, \"document_id\"?, \"metadata\"?}",
        "text" or "title" or "document_id" => "must be a string",
        "metadata" => "must be a JSON object of string, number or boolean values",
        _ => "has a value of the wrong type",
    };

    [System.Text.RegularExpressions.GeneratedRegex("^The JSON property '(?<name>[^']*)' could not be mapped", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex UnmappedMember();
}
