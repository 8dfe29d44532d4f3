using System.Globalization;
using System.Text.RegularExpressions;

namespace RagApp.Rag.Answers.Chat;

/// <summary>
/// Maps the citation markers in a model's answer back to the sources: <c>[n]</c> and <c>[n, m]</c> are read, numbers
/// that name no given source are dropped from the text (a marker left with none is removed), and the numbers that
/// remain, in order of first citation, are the answer's cited passages.
/// </summary>
internal static partial class ChatCitations
{
    public static (string Text, IReadOnlyList<int> Cited) Resolve(string text, IReadOnlyList<AnswerPassage> passages)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(passages);
        var numbers = passages.Select(passage => passage.Number).ToHashSet();
        var cited = new List<int>();
        var resolved = Marker().Replace(text, match =>
        {
            var kept = new List<int>();
            foreach (var part in match.Groups["numbers"].Value.Split(','))
            {
                if (int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var number) && numbers.Contains(number) && !kept.Contains(number))
                {
                    kept.Add(number);
                    if (!cited.Contains(number))
                    {
                        cited.Add(number);
                    }
                }
            }

            return kept.Count == 0 ? "" : match.Groups["space"].Value + "[" + string.Join(", ", kept) + "]";
        });
        return (resolved.Trim(), cited);
    }

    /// <summary>
    /// The text without its citation markers: an earlier turn's markers name that turn's sources, which are not the
    /// sources numbered in a new prompt.
    /// </summary>
    public static string Strip(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Marker().Replace(text, "").Trim();
    }

    [GeneratedRegex(@"(?<space>[ \t]?)\[(?<numbers>\d{1,4}(?:\s*,\s*\d{1,4})*)\]")]
    private static partial Regex Marker();
}
