namespace RagApp.Benchmarks;

/// <summary>One question of a BEIR set with its judged documents (corpus id → graded relevance, only grades above 0).</summary>
internal sealed record BeirQuery(string Id, string Text, IReadOnlyDictionary<string, int> Relevant)
{
    /// <summary>
    /// The queries of a BEIR folder that have judgements in qrels/test.tsv, in file order; at most
    /// <paramref name="sample"/> of them, drawn with <paramref name="seed"/> so every run measures the same ones.
    /// </summary>
    public static IReadOnlyList<BeirQuery> Load(string folder, int sample, int seed)
    {
        var judgements = new Dictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(folder, "qrels", "test.tsv")).Skip(1))
        {
            var fields = line.Split('\t');
            if (fields.Length < 3 || !int.TryParse(fields[2], System.Globalization.CultureInfo.InvariantCulture, out var grade) || grade <= 0)
            {
                continue;
            }

            if (!judgements.TryGetValue(fields[0], out var relevant))
            {
                judgements[fields[0]] = relevant = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            relevant[fields[1]] = grade;
        }

        var queries = new List<BeirQuery>();
        foreach (var line in File.ReadLines(Path.Combine(folder, "queries.jsonl")).Where(line => !string.IsNullOrWhiteSpace(line)))
        {
            using var json = System.Text.Json.JsonDocument.Parse(line);
            var id = json.RootElement.GetProperty("_id").GetString()!;
            if (judgements.TryGetValue(id, out var relevant))
            {
                queries.Add(new BeirQuery(id, json.RootElement.GetProperty("text").GetString() ?? "", relevant));
            }
        }

        if (queries.Count <= sample)
        {
            return queries;
        }

        var random = new Random(seed);
        return [.. queries.OrderBy(_ => random.Next()).Take(sample)];
    }
}
