using System.Diagnostics;
using System.Globalization;
using RagApp.Core.Grpc.V1;

using static RagApp.Benchmarks.Statistics;

namespace RagApp.Benchmarks;

/// <summary>
/// Answer quality through the real Query RPC on SQuAD (squad-train-sample): the passages are indexed into a hosted
/// RagApp.Rag (one chunk per passage, as the retrieval benchmark does) and each sampled question is asked once with the
/// service's default settings. Measures how often the answer contains a gold answer, the median answer length, how
/// often it says it does not know, and containment per confidence bucket. A second index holds only half of the
/// articles: questions about the other half have no answer in it, and the answerer should say so.
/// "tune" and "confirm" are disjoint samples of the questions.
/// </summary>
internal static class AnswerQualityBenchmark
{
    private const int SampleSize = 1_000;
    private const int Seed = 20261202;

    // dotnet run -c Release --project bench/RagApp.Benchmarks -- answers-api [tune|confirm] [data folder] [Rag:Setting=value ...]
    public static async Task RunAsync(string[] args)
    {
        var sampleName = args.Length > 0 ? args[0] : "tune";
        var dataFolder = args.Length > 1 ? args[1] : Path.Combine("..", "shared", "data");
        var settings = args.Skip(2).Select(arg => arg.Split('=', 2)).ToDictionary(pair => pair[0], pair => (string?)pair[1]);
        var squad = Path.Combine(dataFolder, "squad-train-sample");
        var passages = CranfieldDocument.Load(Path.Combine(squad, "corpus.jsonl"));
        var questions = GoldAnswerQuestion.Load(Path.Combine(squad, "queries.jsonl"));
        var goldPassage = File.ReadLines(Path.Combine(squad, "qrels", "test.tsv")).Skip(1)
            .Select(line => line.Split('\t')).ToDictionary(parts => parts[0], parts => parts[1]);
        var shuffled = questions.ToArray();
        new Random(Seed).Shuffle(shuffled);
        var sample = (sampleName == "confirm" ? shuffled.Skip(SampleSize) : shuffled).Take(SampleSize).ToList();
        Console.WriteLine($"Sample: {sampleName} ({sample.Count} questions, seed {Seed}), settings: {string.Join(' ', settings.Select(s => $"{s.Key}={s.Value}"))}");

        var whole = await AskAllAsync(passages, sample, settings);
        Report("whole corpus indexed", whole);

        var articles = passages.Select(p => p.Title).Distinct().ToArray();
        new Random(Seed).Shuffle(articles);
        var indexedArticles = articles.Take(articles.Length / 2).ToHashSet();
        var titleOf = passages.ToDictionary(p => p.Id, p => p.Title);
        var half = await AskAllAsync([.. passages.Where(p => indexedArticles.Contains(p.Title))], sample, settings);
        var answerable = half.Where(r => indexedArticles.Contains(titleOf[goldPassage[r.Question.Id]])).ToList();
        var unanswerable = half.Except(answerable).ToList();
        Console.WriteLine(FormattableString.Invariant(
            $"Half the articles indexed ({indexedArticles.Count} of {articles.Length}): says it does not know for {Rate(unanswerable, r => r.Response.Abstained):F3} of {unanswerable.Count} unanswerable, {Rate(answerable, r => r.Response.Abstained):F3} of {answerable.Count} answerable; containment on answerable {Rate(answerable, r => r.Contains):F3}"));
    }

    private static async Task<List<Result>> AskAllAsync(IReadOnlyList<CranfieldDocument> passages, List<GoldAnswerQuestion> questions, IReadOnlyDictionary<string, string?> settings)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("ragapp-bench-answers-").FullName;
        try
        {
            await RetrievalBenchmark.IndexAsync(dataDirectory, passages, settings);
            await using var host = await RagServiceHost.StartAsync(dataDirectory, settings);
            var results = new List<Result>(questions.Count);
            var started = Stopwatch.GetTimestamp();
            foreach (var question in questions)
            {
                var response = await host.Rag.QueryAsync(new QueryRequest { Question = question.Text });
                var contains = !response.Abstained && question.Answers.Any(gold => response.Answer.Contains(gold, StringComparison.OrdinalIgnoreCase));
                results.Add(new Result(question, response, contains));
            }

            Console.WriteLine(FormattableString.Invariant($"Asked {questions.Count} questions of {passages.Count} passages, mean {Stopwatch.GetElapsedTime(started).TotalMilliseconds / questions.Count:F1} ms per Query"));
            return results;
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static void Report(string setting, List<Result> results)
    {
        var answered = results.Where(r => !r.Response.Abstained).ToList();
        Console.WriteLine(FormattableString.Invariant(
            $"{setting}: {results.Count} questions, answer contains a gold answer {Rate(results, r => r.Contains):F3} ({Rate(answered, r => r.Contains):F3} of those answered), median words {Median(answered.Select(r => (double)Words(r.Response.Answer))):F0}, says it does not know for {Rate(results, r => r.Response.Abstained):F3}"));
        Console.WriteLine("| confidence | questions | contains a gold answer |");
        Console.WriteLine("|---|---|---|");
        for (var bucket = 0; bucket < 5; bucket++)
        {
            var low = bucket * 0.2;
            var inBucket = results.Where(r => r.Response.Confidence >= low && (r.Response.Confidence < low + 0.2 || bucket == 4)).ToList();
            Console.WriteLine(FormattableString.Invariant($"| {low:F1}–{low + 0.2:F1} | {inBucket.Count} | {(inBucket.Count == 0 ? "–" : Rate(inBucket, r => r.Contains).ToString("F3", CultureInfo.InvariantCulture))} |"));
        }
    }

    // Citation markers are not words of the answer.
    private static int Words(string answer) =>
        answer.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(word => !(word.StartsWith('[') && word.EndsWith(']')));

    private sealed record Result(GoldAnswerQuestion Question, QueryResponse Response, bool Contains);
}
