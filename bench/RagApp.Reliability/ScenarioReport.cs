using System.Globalization;
using System.Text;

namespace RagApp.Reliability;

/// <summary>What one scenario measured: figures, and checks that pass or fail.</summary>
internal sealed class ScenarioReport(string title)
{
    private readonly List<(string Name, string Value, bool? Passed)> rows = [];

    public string Title { get; } = title;

    public bool Passed => rows.All(row => row.Passed != false);

    public void Check(string name, bool passed, string value) => rows.Add((name, value, passed));

    public void Figure(string name, string value) => rows.Add((name, value, null));

    public void Figure(string name, FormattableString value) => rows.Add((name, value.ToString(CultureInfo.InvariantCulture), null));

    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"#### {Title}: {(Passed ? "passed" : "FAILED")}");
        text.AppendLine();
        text.AppendLine("| | Result | |");
        text.AppendLine("|---|---|---|");
        foreach (var (name, value, passed) in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} | {(passed switch { true => "ok", false => "**FAIL**", null => "" })} |");
        }

        return text.ToString();
    }

    public static string Seconds(IReadOnlyCollection<double> values) => values.Count == 0
        ? "none"
        : string.Create(CultureInfo.InvariantCulture, $"median {Median(values):F1} s, max {values.Max():F1} s");

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
