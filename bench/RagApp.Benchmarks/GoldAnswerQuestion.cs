using System.Text.Json;

namespace RagApp.Benchmarks;

/// <summary>A BEIR query with the gold answers SQuAD keeps in its <c>metadata.answers</c> (none for other sets).</summary>
internal sealed record GoldAnswerQuestion(string Id, string Text, string[] Answers)
{
    public static List<GoldAnswerQuestion> Load(string path) =>
        [.. File.ReadLines(path).Where(line => !string.IsNullOrWhiteSpace(line)).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            var answers = root.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("answers", out var list)
                ? list.EnumerateArray().Select(answer => answer.GetString() ?? "").Where(answer => answer.Length > 0).ToArray()
                : [];
            return new GoldAnswerQuestion(root.GetProperty("_id").GetString()!, root.GetProperty("text").GetString()!, answers);
        })];
}
