namespace RagApp.Benchmarks;

/// <summary>One document of a BEIR corpus (corpus.jsonl: _id, title, text).</summary>
internal sealed record CranfieldDocument(string Id, string Title, string Text)
{
    public static IReadOnlyList<CranfieldDocument> Load(string path) =>
        [.. File.ReadLines(path)
            .Where(line => !string.IsNullOrWhiteSpace(line))
            .Select(line =>
            {
                using var json = System.Text.Json.JsonDocument.Parse(line);
                var root = json.RootElement;
                return new CranfieldDocument(
                    root.GetProperty("_id").GetString()!,
                    root.TryGetProperty("title", out var title) ? title.GetString() ?? "" : "",
                    root.GetProperty("text").GetString() ?? "");
            })];
}
