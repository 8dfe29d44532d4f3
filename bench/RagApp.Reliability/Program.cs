using System.Diagnostics;
using System.Globalization;
using RagApp.Reliability;

// dotnet build RagApp.AppHost && dotnet run -c Release --project bench/RagApp.Reliability -- [scenario ...] [--redis Garnet|RedisServer] [--seed N] [--overload-minutes N] [--out file.md]
// Scenarios: worker-kills rag-kills redis-kills races hostile overload (default: all). Each starts the application
// afresh as a user does (dotnet run --project RagApp.AppHost, local mode, a new data directory), on http://localhost:8080.
var scenarios = args.Where(arg => !arg.StartsWith("--", StringComparison.Ordinal) && !IsOptionValue(arg)).ToList();
string[] all = ["worker-kills", "rag-kills", "redis-kills", "races", "hostile", "overload"];
if (scenarios.Count == 0)
{
    scenarios.AddRange(all);
}

var unknown = scenarios.Except(all).ToList();
if (unknown.Count > 0)
{
    Console.Error.WriteLine($"Unknown scenario {string.Join(", ", unknown)}; known: {string.Join(", ", all)}");
    return 2;
}

var overloadMinutes = int.Parse(Option("--overload-minutes") ?? "5", CultureInfo.InvariantCulture);
var seed = int.Parse(Option("--seed") ?? "20261201", CultureInfo.InvariantCulture);
var output = Option("--out");
var redisServers = Option("--redis") is { } forced ? [forced] : RedisServerInstalled() ? new[] { "Garnet", "RedisServer" } : ["Garnet"];
var root = RepositoryRoot();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

Write($"### Reliability run {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, commit {Git("rev-parse --short HEAD")}, {Environment.ProcessorCount} cores, seed {seed}\n");
var failed = 0;
foreach (var scenario in scenarios)
{
    foreach (var redis in scenario == "redis-kills" ? redisServers : [redisServers[0]])
    {
        var clock = Stopwatch.StartNew();
        ScenarioReport report;
        // The kill scenarios kill a service every few seconds, far more often than the AppHost's crash-loop backoff
        // (1 s doubling to 30 s, reset after a minute up) is meant for: cap it at 2 s, so each kill measures how fast a
        // service comes back rather than how long the backoff has grown.
        string[] settings = scenario.EndsWith("-kills", StringComparison.Ordinal) ? ["RagApp:Supervision:MaxBackoff=00:00:02"] : [];
        await using (var app = await AppUnderTest.StartAsync(root, redis, settings, stop.Token))
        {
            try
            {
                report = scenario switch
                {
                    "worker-kills" => await KillScenario.RunAsync(app, "Worker kills: SIGKILL of the ingest worker while documents ingest", ServiceProcesses.Worker, kills: 20, documents: 200, seed, stop.Token),
                    "rag-kills" => await KillScenario.RunAsync(app, "RagApp.Rag kills: SIGKILL of the index service while documents ingest", ServiceProcesses.Rag, kills: 10, documents: 200, seed, stop.Token),
                    "redis-kills" => await KillScenario.RunAsync(app, $"Redis server kills ({redis}): SIGKILL during uploads and ingestion", app.RedisProcessName, kills: 5, documents: 200, seed, stop.Token),
                    "races" => await RaceScenario.RunAsync(app, rounds: 200, seed, stop.Token),
                    "hostile" => await HostileInputScenario.RunAsync(app, workerMemoryBound: 1536L * 1024 * 1024, seed, stop.Token),
                    _ => await OverloadScenario.RunAsync(app, TimeSpan.FromMinutes(overloadMinutes), seed, stop.Token),
                };
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                report = new ScenarioReport($"{scenario} ({redis})");
                report.Check("ran to the end", false, $"{exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")}");
            }
        }

        report.Figure("scenario time (with start and stop)", $"{clock.Elapsed.TotalSeconds:F0} s, local Redis {redis}");
        failed += report.Passed ? 0 : 1;
        Write(report.ToMarkdown());
    }
}

return failed == 0 ? 0 : 1;

void Write(string text)
{
    Console.WriteLine(text);
    if (output is not null)
    {
        File.AppendAllText(output, text + Environment.NewLine);
    }
}

string? Option(string name) => args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault();

bool IsOptionValue(string arg) => args.Select((value, index) => (value, index)).Any(pair => pair.value == arg && pair.index > 0 && args[pair.index - 1].StartsWith("--", StringComparison.Ordinal));

static bool RedisServerInstalled() => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(directory => File.Exists(Path.Combine(directory, "redis-server")));

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "RagApp.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the repository (RagApp.sln not found above the current directory).");
}

string Git(string arguments)
{
    using var git = Process.Start(new ProcessStartInfo("git", arguments) { WorkingDirectory = root, RedirectStandardOutput = true })!;
    var text = git.StandardOutput.ReadToEnd().Trim();
    git.WaitForExit();
    return text;
}
