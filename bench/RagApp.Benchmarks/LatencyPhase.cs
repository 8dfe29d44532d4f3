using System.Diagnostics;

namespace RagApp.Benchmarks;

/// <summary>One measured phase: every question once, <see cref="Concurrency"/> in flight at all times (a closed loop).</summary>
internal sealed record LatencyPhase(int Concurrency, IReadOnlyList<QueryTiming> Timings, TimeSpan Elapsed, IReadOnlyDictionary<string, double> CpuByProgram)
{
    public string Cpu => ProcessCpu.Describe(new Dictionary<string, double>(), CpuByProgram);

    public double CpuSeconds(string program) => CpuByProgram.GetValueOrDefault(program);

    public double QuestionsPerSecond => Timings.Count / Elapsed.TotalSeconds;

    public LatencySummary Client => LatencySummary.Of(Timings.Select(timing => timing.ClientMs));

    public LatencySummary Retrieval => LatencySummary.Of(Timings.Where(timing => timing.RetrievalMs is not null).Select(timing => timing.RetrievalMs!.Value));

    public LatencySummary Service => LatencySummary.Of(Timings.Where(timing => timing.ServiceMs is not null).Select(timing => timing.ServiceMs!.Value));

    public static async Task<LatencyPhase> RunAsync(IQueryTarget target, IReadOnlyList<string> questions, int concurrency)
    {
        var timings = new QueryTiming[questions.Count];
        var cpuBefore = ProcessCpu.Snapshot();
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, questions.Count), new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (i, cancellationToken) => timings[i] = await target.AskAsync(questions[i], cancellationToken));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var cpuAfter = ProcessCpu.Snapshot();
        var used = cpuAfter.ToDictionary(pair => pair.Key, pair => pair.Value - cpuBefore.GetValueOrDefault(pair.Key), StringComparer.Ordinal);
        return new LatencyPhase(concurrency, timings, elapsed, used);
    }
}
