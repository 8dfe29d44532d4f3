using System.Text;
using System.Text.RegularExpressions;

namespace RagApp.Gateway.Documents;

/// <summary>
/// What a document id may look like, and the id a document gets when the client gives none. Defaults
/// are deterministic so that uploading the same thing again replaces (or leaves unchanged) the same
/// document instead of adding a copy: a file is known by its name, a text by its content.
/// </summary>
public static partial class DocumentIds
{
    public const int MaxLength = 128;

    public const string Rule = "1 to 128 characters: letters, digits, '.', '_', ':', '-', starting with a letter or digit";

    /// <summary>The <see cref="Rule"/> as a regular expression (also published in the OpenAPI document).</summary>
    public const string Pattern = @"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$";

    public static bool IsValid(string? id) => id is not null && ValidId().IsMatch(id);

    public static string ForFile(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var slug = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-');
        }

        var candidate = slug.ToString().Trim('-', '.', '_');
        if (candidate.Length > MaxLength)
        {
            candidate = candidate[..MaxLength];
        }

        return IsValid(candidate) ? candidate : "file-" + Core.Documents.ContentHash.Of(name)[..16];
    }

    public static string ForText(string text) => "text-" + Core.Documents.ContentHash.Of(text)[..24];

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex ValidId();
}
