using System.Text.RegularExpressions;

namespace RagApp.Gateway.Errors;

/// <summary>
/// Names the parameter at fault in a minimal-API binding failure, in the client's terms. The framework says it in its
/// exception message only (<c>Failed to bind parameter "int? page_size" from "many".</c>), with the .NET type.
/// </summary>
internal static partial class ParameterBinding
{
    public static (string Field, string Message)? Describe(string exceptionMessage)
    {
        var failed = FailedToBind().Match(exceptionMessage);
        if (failed.Success)
        {
            // "int? page_size", or "Nullable<int> page_size": only the integer types matter here.
            var type = failed.Groups["type"].Value;
            var expected = IntegerType().IsMatch(type) ? "must be a whole number" : "has a value that cannot be read";
            return (failed.Groups["name"].Value, expected);
        }

        var missing = Required().Match(exceptionMessage);
        return missing.Success ? (missing.Groups["name"].Value, "is required") : null;
    }

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]*) (?<name>[A-Za-z0-9_]+)" from""", RegexOptions.CultureInvariant)]
    private static partial Regex FailedToBind();

    [GeneratedRegex(@"\b(int|long|short|Int16|Int32|Int64)\b", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerType();

    [GeneratedRegex("""^Required parameter "(?<type>[^"]*) (?<name>[A-Za-z0-9_]+)" was not provided""", RegexOptions.CultureInvariant)]
    private static partial Regex Required();
}
