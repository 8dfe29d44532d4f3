using Microsoft.Extensions.AI;
using RagApp.Core.Embeddings;
using RagApp.Rag.Answers;

namespace RagApp.Benchmarks;

/// <summary>
/// Real passages to fill the index with, as many as asked for: first every SQuAD and cranfield passage whole
/// ("title. text"), then two-sentence windows of them (starting at the first sentence of every passage, then the
/// second, ...), then three-sentence windows, each embedded with the model (once: <see cref="EmbeddingCache"/>). The two
/// sets give ≈ 3,000 passages and ≈ 5,900 two-sentence windows; past the three-sentence windows the pool repeats with
/// a copy number in the text and the original's vector.
/// </summary>
internal static class LatencyCorpus
{
    public static async Task<IReadOnlyList<BenchChunk>> LoadAsync(string dataFolder, int count, IEmbeddingGenerator<string, Embedding<float>> generator)
    {
        var passages = new List<CranfieldDocument>();
        foreach (var set in new[] { "squad-train-sample", "cranfield" })
        {
            passages.AddRange(CranfieldDocument.Load(Path.Combine(dataFolder, set, "corpus.jsonl"))
                .Where(passage => !string.IsNullOrWhiteSpace(passage.Text))
                .Select(passage => passage with { Id = $"{set}-{passage.Id}" }));
        }

        var pool = new List<(string Id, string Title, string Text)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(string id, string title, string text)
        {
            if (pool.Count < count && seen.Add(text))
            {
                pool.Add((id, title, text));
            }
        }

        foreach (var passage in passages)
        {
            Add(passage.Id, passage.Title, Join(passage.Title, passage.Text));
        }

        var sentences = passages.Select(passage => SentenceSplitter.Split(passage.Text)).ToList();
        foreach (var width in new[] { 2, 3 })
        {
            for (var start = 0; pool.Count < count && sentences.Any(list => list.Count >= start + width); start++)
            {
                for (var i = 0; i < passages.Count; i++)
                {
                    if (sentences[i].Count >= start + width)
                    {
                        Add($"{passages[i].Id}-w{width}-{start}", passages[i].Title, Join(passages[i].Title, string.Join(' ', sentences[i].GetRange(start, width))));
                    }
                }
            }
        }

        var cache = EmbeddingCache.Open(MiniLmEmbeddingGenerator.ModelId, MiniLmEmbeddingGenerator.Dimensions);
        var vectors = await cache.GetAsync(generator, [.. pool.Select(item => item.Text)]);
        var vectorOf = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var i = 0; i < pool.Count; i++)
        {
            vectorOf[pool[i].Text] = vectors[i];
        }

        var chunks = new List<BenchChunk>(count);
        for (var copy = 0; chunks.Count < count; copy++)
        {
            foreach (var (id, title, text) in pool.Take(count - chunks.Count))
            {
                chunks.Add(copy == 0
                    ? new BenchChunk(id, title, text, vectorOf[text])
                    : new BenchChunk($"{id}-copy{copy}", title, $"{text} (copy {copy})", vectorOf[text]));
            }
        }

        Console.WriteLine($"Index content: {chunks.Count} chunks, {pool.Count} distinct passages and windows from SQuAD and cranfield ({passages.Count} passages){(chunks.Count > pool.Count ? ", the rest copies" : "")}");
        return chunks;
    }

    private static string Join(string title, string text) => string.IsNullOrWhiteSpace(title) ? text : $"{title}. {text}";
}
