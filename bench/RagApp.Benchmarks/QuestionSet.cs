using System.Text.Json;

namespace RagApp.Benchmarks;

/// <summary>
/// Distinct questions from the SQuAD and cranfield query sets, shuffled with a fixed seed and handed out in turn so
/// that no question is asked twice in a run (nothing a cache could answer). Past the ≈ 7,800 questions of the two
/// sets, the same questions come back with a lead-in ("Briefly, ...") that makes each text new.
/// </summary>
internal sealed class QuestionSet
{
    private static readonly string[] LeadIns = ["", "Briefly, ", "Tell me: ", "I would like to know: ", "Question: ", "Please answer: "];

    private readonly List<string> _questions;
    private int _next;

    private QuestionSet(List<string> questions) => _questions = questions;

    public static QuestionSet Load(string dataFolder, int seed)
    {
        var texts = new List<string>();
        foreach (var set in new[] { "squad-train-sample", "cranfield" })
        {
            foreach (var line in File.ReadLines(Path.Combine(dataFolder, set, "queries.jsonl")).Where(line => !string.IsNullOrWhiteSpace(line)))
            {
                using var json = JsonDocument.Parse(line);
                texts.Add(json.RootElement.GetProperty("text").GetString()!.Trim());
            }
        }

        var distinct = texts.Where(text => text.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        new Random(seed).Shuffle(distinct);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var questions = LeadIns.SelectMany(leadIn => distinct.Select(text => leadIn + text)).Where(seen.Add).ToList();
        return new QuestionSet(questions);
    }

    /// <summary>The next <paramref name="count"/> questions, none handed out before.</summary>
    public IReadOnlyList<string> Take(int count)
    {
        if (_next + count > _questions.Count)
        {
            throw new InvalidOperationException($"Only {_questions.Count - _next} distinct questions are left, {count} were asked for.");
        }

        var taken = _questions.GetRange(_next, count);
        _next += count;
        return taken;
    }
}
