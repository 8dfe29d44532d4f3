using RagApp.Benchmarks;

// dotnet run -c Release --project bench/RagApp.Benchmarks -- [raw|e2e] [corpus.jsonl] [max documents] [[service/]Setting=value ...] (no "service/": the worker; "*/": every .NET service)
// "raw" measures only the model, without starting the application; "e2e" only the application.
// dotnet run -c Release --project bench/RagApp.Benchmarks -- uploads: uploads/s with durable acknowledgements on and off.
// dotnet run -c Release --project bench/RagApp.Benchmarks -- answers [tune|confirm]: the extractive answerer on SQuAD.
if (args.Length > 0 && args[0] == "answers")
{
    await ExtractiveAnswers.RunAsync(args[1..]);
    return;
}

// dotnet run -c Release --project bench/RagApp.Benchmarks -- query-latency [chunks=10000] [questions at 1=500] [questions at 8=1000] [data folder] [proxied]:
// p50/p95/p99 of questions through the gateway (or RagApp.Rag's gRPC Query, labelled) against the question embedding alone.
if (args.Length > 0 && args[0] == "query-latency")
{
    await QueryLatency.RunAsync(args[1..]);
    return;
}

// dotnet run -c Release --project bench/RagApp.Benchmarks -- question-loop [seconds=8] [trip CPU ms,wait ms ...]: the question
// embedding in a closed loop of eight with a modelled trip between questions: what the work outside the model costs.
if (args.Length > 0 && args[0] == "question-loop")
{
    await QuestionLoop.RunAsync(args[1..]);
    return;
}

// dotnet run -c Release --project bench/RagApp.Benchmarks -- edge [seconds=10] [connections=64] [rounds=2]: cache hits through
// the gateway (API key and rate limiter in the path) against a bare Kestrel endpoint, with wrk (apt-get install -y wrk).
if (args.Length > 0 && args[0] == "edge")
{
    await EdgeThroughput.RunAsync(args[1..]);
    return;
}

// dotnet run -c Release --project bench/RagApp.Benchmarks -- rag-memory [chunks...=10000 50000 100000]: RagApp.Rag's resident set
// with that many chunks indexed, and bytes per chunk beyond its text.
if (args.Length > 0 && args[0] == "rag-memory")
{
    await RagMemory.RunAsync(args[1..]);
    return;
}

// dotnet run -c Release --project bench/RagApp.Benchmarks -- answers-api [tune|confirm] [data folder] [Rag:Setting=value ...]:
// answer quality through the Query RPC on SQuAD (containment of a gold answer, length, "do not know" rates, calibration).
if (args.Length > 0 && args[0] == "answers-api")
{
    await AnswerQualityBenchmark.RunAsync(args[1..]);
    return;
}

// dotnet run -c Release --project bench/RagApp.Benchmarks -- retrieval [BEIR folder] [max queries] [Setting=value ...]: recall,
// MRR and nDCG of the Query RPC per search mode (default: ../shared/data/cranfield, at most 1,000 queries sampled with a
// fixed seed, --seed=N for another sample; settings such as Rag:Retrieval:FeedbackWeight=0.5 apply to every mode;
// --modes=dense,keyword,adaptive,weighted,rrf measures only those).
// ... -- retrieval-tune [BEIR folder] [max queries] "Key=value;Key=value" ...: each Rag:Retrieval configuration scored
// against the store directly, for tuning (no RPC; the reported numbers come from "retrieval"); Section:Key=value
// arguments (e.g. VectorStore:Keyword:K1=1.2) apply to the index and every configuration.
if (args.Length > 0 && args[0] is "retrieval" or "retrieval-tune")
{
    var folder = args.Length > 1 ? args[1] : Path.Combine("..", "shared", "data", "cranfield");
    var sample = args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1_000;
    var only = args.Where(arg => arg.StartsWith("--modes=", StringComparison.Ordinal)).SelectMany(arg => arg["--modes=".Length..].Split(',')).ToList();
    // --seed=N draws another sample of a large set's queries (default 20261202, the one the settings were tuned on).
    var seed = args.Where(arg => arg.StartsWith("--seed=", StringComparison.Ordinal))
        .Select(arg => int.Parse(arg["--seed=".Length..], System.Globalization.CultureInfo.InvariantCulture)).DefaultIfEmpty(20261202).Last();
    var rest = args.Skip(3).Where(arg => !arg.StartsWith("--modes=", StringComparison.Ordinal) && !arg.StartsWith("--seed=", StringComparison.Ordinal)).ToList();
    if (args[0] == "retrieval")
    {
        var retrievalSettings = rest.Select(arg => arg.Split('=', 2)).ToDictionary(pair => pair[0], pair => (string?)pair[1]);
        await RetrievalBenchmark.RunAsync(folder, sample, seed, retrievalSettings, only);
    }
    else
    {
        // Section:Key=value arguments (e.g. VectorStore:Keyword:K1=1.2) apply to the index and every configuration.
        var tuneSettings = rest.Where(arg => arg.Split('=', 2)[0].Contains(':', StringComparison.Ordinal))
            .Select(arg => arg.Split('=', 2)).ToDictionary(pair => pair[0], pair => (string?)pair[1]);
        var configurations = rest.Where(arg => !arg.Split('=', 2)[0].Contains(':', StringComparison.Ordinal)).ToList();
        await RetrievalBenchmark.TuneAsync(folder, sample, seed, tuneSettings, configurations);
    }

    return;
}

if (args.Length > 0 && args[0] == "uploads")
{
    Console.WriteLine("| Redis | durable acknowledgements | uploads/s | median ms | p99 ms | not 202 |");
    Console.WriteLine("|---|---|---|---|---|---|");
    foreach (var redis in new[] { "Garnet", "RedisServer" })
    {
        foreach (var durable in new[] { true, false })
        {
            Console.WriteLine(await UploadThroughput.RunAsync(redis, durable));
        }
    }

    return;
}

var rawOnly = args.Length > 0 && args[0] == "raw";
var endToEndOnly = args.Length > 0 && args[0] == "e2e";
args = rawOnly || endToEndOnly ? args[1..] : args;
var corpus = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "cranfield", "corpus.jsonl");
var limit = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue;
var serviceSettings = args.Skip(2).Select(arg => arg.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
var all = CranfieldDocument.Load(corpus);
// The API refuses documents without text (400); cranfield has two.
var documents = all.Where(document => !string.IsNullOrWhiteSpace(document.Text)).Take(limit).ToList();
Console.WriteLine($"Corpus: {corpus}, {documents.Count} documents with text ({all.Count - documents.Count} without, skipped)");

if (rawOnly)
{
    Console.WriteLine(await RawEmbedding.RunAsync(documents));
    return;
}

if (endToEndOnly)
{
    Console.WriteLine(await EndToEndIngestion.RunAsync(documents, serviceSettings));
    return;
}

// The raw model runs just before and just after the application, and the ratio is taken to their mean: the VM's
// host moves throughput by several percent from one minute to the next, and a single raw run after the
// application would put all of that drift into the ratio.
var rawBefore = await RawEmbedding.RunAsync(documents);
Console.WriteLine(rawBefore);
var endToEnd = await EndToEndIngestion.RunAsync(documents, serviceSettings);
Console.WriteLine(endToEnd);
var rawAfter = await RawEmbedding.RunAsync(documents);
Console.WriteLine(rawAfter);
var rawChunksPerSecond = (rawBefore.ChunksPerSecond + rawAfter.ChunksPerSecond) / 2;

Console.WriteLine();
Console.WriteLine("| documents | chunks | end-to-end chunks/s | raw model chunks/s (before, after) | ratio | worker peak RSS |");
Console.WriteLine("|---|---|---|---|---|---|");
Console.WriteLine(FormattableString.Invariant(
    $"| {documents.Count} | {endToEnd.Chunks} | {endToEnd.ChunksPerSecond:F1} | {rawChunksPerSecond:F1} ({rawBefore.ChunksPerSecond:F1}, {rawAfter.ChunksPerSecond:F1}) | {endToEnd.ChunksPerSecond / rawChunksPerSecond:P0} | {(endToEnd.WorkerPeakBytes ?? 0) / 1024.0 / 1024.0:F0} MiB |"));
