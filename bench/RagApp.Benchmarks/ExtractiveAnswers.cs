using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging.Abstractions;
using RagApp.Core.Embeddings;
using RagApp.Rag.Answers;
using RagApp.Rag.Index.Keywords;

using static RagApp.Benchmarks.Statistics;

namespace RagApp.Benchmarks;

/// <summary>
/// The extractive answerer on a BEIR set with gold answers (SQuAD): the top 5 passages of a simple dense + BM25
/// retrieval in this tool (min-max weighted sum, half each) are handed to <see cref="ExtractiveAnswerer"/>. Measures
/// how often the answer contains a gold answer, its length, how often it abstains on questions the index answers
/// and on questions about articles left out of the index, and containment per confidence bucket. Cranfield, which
/// has no gold answers, shows how often it abstains on technical questions whose passages are relevant.
/// Embeddings of passages, sentences and questions are cached in the tool's output folder.
/// </summary>
internal static class ExtractiveAnswers
{
    private const int TopPassages = 5;
    private const int SampleSize = 1_000;
    private const int Seed = 20261202;

    // dotnet run -c Release --project bench/RagApp.Benchmarks -- answers [tune|confirm] [data folder] [Option=value ...]
    public static async Task RunAsync(string[] args)
    {
        var sampleName = args.Length > 0 ? args[0] : "tune";
        var dataFolder = args.Length > 1 ? args[1] : Path.Combine("..", "shared", "data");
        var options = ParseOptions(args.Skip(2));
        Console.WriteLine($"Sample: {sampleName} ({SampleSize} questions, seed {Seed}), options: {options}");

        using var model = new MiniLmEmbeddingGenerator(new LocalEmbeddingOptions(), logger: NullLogger<MiniLmEmbeddingGenerator>.Instance);
        using var cache = await EmbeddingCache.LoadAsync(model, Path.Combine(AppContext.BaseDirectory, "answer-embeddings.cache"));

        var squad = Path.Combine(dataFolder, "squad-train-sample");
        var passages = CranfieldDocument.Load(Path.Combine(squad, "corpus.jsonl"));
        var questions = GoldAnswerQuestion.Load(Path.Combine(squad, "queries.jsonl"));
        var goldPassage = File.ReadLines(Path.Combine(squad, "qrels", "test.tsv")).Skip(1)
            .Select(line => line.Split('\t')).ToDictionary(parts => parts[0], parts => parts[1]);
        var shuffled = questions.OrderBy(_ => 0).ToArray();
        new Random(Seed).Shuffle(shuffled);
        var sample = (sampleName == "confirm" ? shuffled.Skip(SampleSize) : shuffled).Take(SampleSize).ToList();

        var started = Stopwatch.GetTimestamp();
        await cache.EnsureAsync(passages.Select(PassageText).Concat(passages.SelectMany(p => SentenceSplitter.Split(p.Text))).Concat(sample.Select(q => q.Text)));
        Console.WriteLine(FormattableString.Invariant($"Embeddings ready in {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s ({cache.Count} cached texts)"));

        var answerer = new ExtractiveAnswerer(cache, options);

        // Whole corpus indexed: every question is answerable.
        var full = new Retriever(passages, cache);
        var fullResults = await AnswerAllAsync(answerer, full, sample, cache);
        Report("whole corpus indexed", fullResults);

        // Half the articles indexed: questions about the other half have no answer in the index.
        var articles = passages.Select(p => p.Title).Distinct().Order(StringComparer.Ordinal).ToArray();
        new Random(Seed).Shuffle(articles);
        var indexedArticles = articles.Take(articles.Length / 2).ToHashSet();
        var half = new Retriever([.. passages.Where(p => indexedArticles.Contains(p.Title))], cache);
        var titleOf = passages.ToDictionary(p => p.Id, p => p.Title);
        var halfResults = await AnswerAllAsync(answerer, half, sample, cache);
        var answerable = halfResults.Where(r => indexedArticles.Contains(titleOf[goldPassage[r.Question.Id]])).ToList();
        var unanswerable = halfResults.Except(answerable).ToList();
        Console.WriteLine(FormattableString.Invariant(
            $"Half the articles indexed ({indexedArticles.Count} of {articles.Length}): abstains on {Rate(answerable, r => r.Answer.Abstained):F3} of {answerable.Count} answerable, {Rate(unanswerable, r => r.Answer.Abstained):F3} of {unanswerable.Count} unanswerable; containment on answerable {Rate(answerable, r => r.Contains):F3}"));

        var cranfield = Path.Combine(dataFolder, "cranfield");
        if (Directory.Exists(cranfield))
        {
            var documents = CranfieldDocument.Load(Path.Combine(cranfield, "corpus.jsonl")).Where(d => !string.IsNullOrWhiteSpace(d.Text)).ToList();
            var cranfieldQuestions = GoldAnswerQuestion.Load(Path.Combine(cranfield, "queries.jsonl"));
            await cache.EnsureAsync(documents.Select(PassageText).Concat(documents.SelectMany(d => SentenceSplitter.Split(d.Text))).Concat(cranfieldQuestions.Select(q => q.Text)));
            var cranfieldResults = await AnswerAllAsync(answerer, new Retriever(documents, cache), cranfieldQuestions, cache);
            Console.WriteLine(FormattableString.Invariant(
                $"Cranfield ({cranfieldQuestions.Count} questions, relevant passages, no gold answers): abstains on {Rate(cranfieldResults, r => r.Answer.Abstained):F3}, median confidence {Median(cranfieldResults.Select(r => (double)r.Answer.Confidence)):F2}"));
        }

        await cache.SaveAsync();
    }

    private static string PassageText(CranfieldDocument passage) => $"{passage.Title}. {passage.Text}";

    private static async Task<List<Result>> AnswerAllAsync(ExtractiveAnswerer answerer, Retriever retriever, IReadOnlyList<GoldAnswerQuestion> questions, EmbeddingCache cache)
    {
        var results = new List<Result>();
        foreach (var question in questions)
        {
            var vector = cache.Get(question.Text);
            var top = retriever.Search(question.Text, vector, TopPassages)
                .Select((hit, i) => new AnswerPassage(i + 1, hit.Passage.Id, hit.Passage.Id, hit.Passage.Title, hit.Passage.Text, (float)hit.Score) { Similarity = (float)hit.Similarity })
                .ToList();
            var answer = await answerer.AnswerAsync(new AnswerRequest(question.Text, vector, top), CancellationToken.None);
            var contains = !answer.Abstained && question.Answers.Any(gold => answer.Text.Contains(gold, StringComparison.OrdinalIgnoreCase));
            results.Add(new Result(question, answer, contains));
        }

        return results;
    }

    private static void Report(string setting, List<Result> results)
    {
        var answered = results.Where(r => !r.Answer.Abstained).ToList();
        Console.WriteLine(FormattableString.Invariant(
            $"{setting}: {results.Count} questions, answer contains a gold answer {Rate(results, r => r.Contains):F3} ({Rate(answered, r => r.Contains):F3} of those answered), median words {Median(answered.Select(r => (double)r.Answer.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length)):F0}, abstains on {Rate(results, r => r.Answer.Abstained):F3}"));
        Console.WriteLine("| confidence | questions | contains a gold answer |");
        Console.WriteLine("|---|---|---|");
        for (var bucket = 0; bucket < 5; bucket++)
        {
            var low = bucket * 0.2;
            var inBucket = results.Where(r => r.Answer.Confidence >= low && (r.Answer.Confidence < low + 0.2 || bucket == 4)).ToList();
            Console.WriteLine(FormattableString.Invariant($"| {low:F1}–{low + 0.2:F1} | {inBucket.Count} | {(inBucket.Count == 0 ? "–" : Rate(inBucket, r => r.Contains).ToString("F3", CultureInfo.InvariantCulture))} |"));
        }
    }

    private static ExtractiveAnswerOptions ParseOptions(IEnumerable<string> settings)
    {
        var options = new ExtractiveAnswerOptions();
        foreach (var setting in settings)
        {
            var (name, text) = (setting.Split('=', 2)[0], setting.Split('=', 2)[1]);
            var value = double.Parse(text, CultureInfo.InvariantCulture);
            options = name switch
            {
                nameof(ExtractiveAnswerOptions.SemanticWeight) => options with { SemanticWeight = value },
                nameof(ExtractiveAnswerOptions.LexicalWeight) => options with { LexicalWeight = value },
                nameof(ExtractiveAnswerOptions.AnswerTypeWeight) => options with { AnswerTypeWeight = value },
                nameof(ExtractiveAnswerOptions.RankWeight) => options with { RankWeight = value },
                nameof(ExtractiveAnswerOptions.ConfidenceMidpoint) => options with { ConfidenceMidpoint = value },
                nameof(ExtractiveAnswerOptions.ConfidenceSteepness) => options with { ConfidenceSteepness = value },
                nameof(ExtractiveAnswerOptions.AbstainBelow) => options with { AbstainBelow = value },
                nameof(ExtractiveAnswerOptions.SecondSentenceMargin) => options with { SecondSentenceMargin = value },
                nameof(ExtractiveAnswerOptions.MaxAnswerWords) => options with { MaxAnswerWords = (int)value },
                _ => throw new ArgumentException($"Unknown answerer option '{name}'."),
            };
        }

        return options;
    }

    private sealed record Result(GoldAnswerQuestion Question, ComposedAnswer Answer, bool Contains);

    /// <summary>Dense (cosine of "title. text") plus BM25 over a fixed passage set, each min-max scaled, half each.</summary>
    private sealed class Retriever
    {
        private readonly IReadOnlyList<CranfieldDocument> _passages;
        private readonly ReadOnlyMemory<float>[] _vectors;
        private readonly List<(Dictionary<string, int> Frequencies, int Length)> _terms;
        private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);
        private readonly double _averageLength;
        private readonly Bm25 _bm25 = new(0.9, 0.4);

        public Retriever(IReadOnlyList<CranfieldDocument> passages, EmbeddingCache cache)
        {
            _passages = passages;
            _vectors = [.. passages.Select(p => cache.Get(PassageText(p)))];
            _terms = [.. passages.Select(p => KeywordTokenizer.CountTerms(PassageText(p)))];
            foreach (var term in _terms.SelectMany(t => t.Frequencies.Keys))
            {
                _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
            }

            _averageLength = _terms.Average(t => t.Length);
        }

        public IEnumerable<(CranfieldDocument Passage, double Score, double Similarity)> Search(string question, ReadOnlyMemory<float> vector, int count)
        {
            var dense = _vectors.Select(v => (double)TensorPrimitives.Dot(vector.Span, v.Span)).ToArray();
            var queryTerms = KeywordTokenizer.Tokenize(question).Distinct().ToList();
            var sparse = _terms.Select(t => queryTerms.Where(t.Frequencies.ContainsKey).Sum(term =>
                Bm25.InverseDocumentFrequency(_passages.Count, _documentFrequency[term]) * _bm25.TermWeight(t.Frequencies[term], t.Length, _averageLength))).ToArray();
            var denseScaled = MinMax(dense);
            var sparseScaled = MinMax(sparse);
            return Enumerable.Range(0, _passages.Count)
                .Select(i => (Passage: _passages[i], Score: (0.5 * denseScaled[i]) + (0.5 * sparseScaled[i]), Similarity: dense[i]))
                .OrderByDescending(hit => hit.Score)
                .Take(count);
        }

        private static double[] MinMax(double[] scores)
        {
            var (min, max) = (scores.Min(), scores.Max());
            return [.. scores.Select(s => max > min ? (s - min) / (max - min) : 0)];
        }
    }

    /// <summary>
    /// An embedding generator that answers from a file-backed cache of every text embedded so far and asks the model
    /// only for texts it has not seen, so that re-runs (tuning the answerer) cost seconds instead of minutes.
    /// </summary>
    private sealed class EmbeddingCache(IEmbeddingGenerator<string, Embedding<float>> model, string path, Dictionary<string, float[]> vectors)
        : IEmbeddingGenerator<string, Embedding<float>>
    {
        private bool _changed;

        public int Count => vectors.Count;

        public static async Task<EmbeddingCache> LoadAsync(IEmbeddingGenerator<string, Embedding<float>> model, string path)
        {
            var vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
            if (File.Exists(path))
            {
                await using var stream = File.OpenRead(path);
                using var reader = new BinaryReader(stream);
                var count = reader.ReadInt32();
                for (var i = 0; i < count; i++)
                {
                    var text = reader.ReadString();
                    var vector = new float[reader.ReadInt32()];
                    for (var j = 0; j < vector.Length; j++)
                    {
                        vector[j] = reader.ReadSingle();
                    }

                    vectors[text] = vector;
                }
            }

            return new EmbeddingCache(model, path, vectors);
        }

        public async Task EnsureAsync(IEnumerable<string> texts)
        {
            var missing = texts.Distinct().Where(text => !vectors.ContainsKey(text)).ToList();
            foreach (var batch in missing.Chunk(256))
            {
                var embeddings = await model.GenerateAsync(batch);
                for (var i = 0; i < batch.Length; i++)
                {
                    vectors[batch[i]] = embeddings[i].Vector.ToArray();
                }

                _changed = true;
            }
        }

        public ReadOnlyMemory<float> Get(string text) => vectors[text];

        public async Task SaveAsync()
        {
            if (!_changed)
            {
                return;
            }

            await using var stream = File.Create(path);
            await using var writer = new BinaryWriter(stream);
            writer.Write(vectors.Count);
            foreach (var (text, vector) in vectors)
            {
                writer.Write(text);
                writer.Write(vector.Length);
                foreach (var value in vector)
                {
                    writer.Write(value);
                }
            }
        }

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            await EnsureAsync(texts);
            return [.. texts.Select(text => new Embedding<float>(vectors[text]))];
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => model.GetService(serviceType, serviceKey);

        public void Dispose()
        {
        }
    }
}
