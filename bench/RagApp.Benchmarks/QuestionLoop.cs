using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RagApp.Rag.Retrieval;

namespace RagApp.Benchmarks;

/// <summary>
/// A model of the query-latency benchmark's closed loop without the application: RagApp.Rag's question embedding (its
/// own registration, as <see cref="QuestionEmbedding"/>), eight callers, and between a caller's embedding and its next
/// question a "trip" of a given CPU time (spent on the caller's pool thread, as retrieval, the answer, gRPC and HTTP
/// spend theirs) and a given wait (the hops' latency). It shows how much throughput the work outside the model costs,
/// whatever that work is, and so what the application could reach at most with that much of it per question.
/// </summary>
internal static class QuestionLoop
{
    private const int Seed = 20261203;

    // dotnet run -c Release --project bench/RagApp.Benchmarks -- question-loop [seconds=8] [trip CPU ms,wait ms ...=0,0 0.5,1 1,1 1.5,1 2,1] [Rag:Setting=value ...]
    public static async Task RunAsync(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8;
        var settings = args.Where(arg => arg.Contains('=', StringComparison.Ordinal)).Select(arg => arg.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => (string?)pair[1]);
        args = [.. args.Where(arg => !arg.Contains('=', StringComparison.Ordinal))];
        var trips = args.Length > 1 ? args[1..] : ["0,0", "0.5,1", "1,1", "1.5,1", "2,1"];
        var questions = QuestionSet.Load(Path.Combine("..", "shared", "data"), Seed).Take(7_000);

        using var host = QuestionEmbedding.BuildHost(settings);
        await host.StartAsync();
        using var batches = new BatchSizes();
        Console.WriteLine("| trip CPU ms | trip wait ms | questions/s | × no trip | CPU-ms per question | mean batch | cores busy |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        double? alone = null;
        var next = 0;
        foreach (var trip in trips)
        {
            var parts = trip.Split(',');
            var (cpu, wait) = (double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
            var embedder = host.Services.GetRequiredService<QuestionEmbedder>();
            string NextQuestion() => questions[Interlocked.Increment(ref next) % questions.Count];

            // Two seconds of warm-up, then the measured seconds.
            await LoopAsync(embedder, NextQuestion, cpu, wait, TimeSpan.FromSeconds(2));
            batches.Reset();
            using var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var started = Stopwatch.GetTimestamp();
            var answered = await LoopAsync(embedder, NextQuestion, cpu, wait, TimeSpan.FromSeconds(seconds));
            var elapsed = Stopwatch.GetElapsedTime(started);
            process.Refresh();
            var cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            var perSecond = answered / elapsed.TotalSeconds;
            alone ??= perSecond;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {cpu} | {wait} | {perSecond:F0} | {perSecond / alone.Value:F2} | {cpuMs / answered:F2} | {batches.Mean:F2} | {cpuMs / elapsed.TotalMilliseconds:F2} |"));
        }

        await host.StopAsync();
    }

    private static async Task<long> LoopAsync(QuestionEmbedder embedder, Func<string> nextQuestion, double tripCpuMs, double tripWaitMs, TimeSpan duration)
    {
        long answered = 0;
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < end)
            {
                await embedder.EmbedAsync(nextQuestion(), CancellationToken.None);
                var tripStart = Stopwatch.GetTimestamp();
                while (Stopwatch.GetElapsedTime(tripStart).TotalMilliseconds < tripCpuMs)
                {
                    // The trip's CPU time: busy on this pool thread, as the real trip's code is.
                }

                if (tripWaitMs > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(tripWaitMs));
                }
                else
                {
                    await Task.Yield();
                }

                Interlocked.Increment(ref answered);
            }
        })));
        return answered;
    }

    /// <summary>Mean of RagApp.Rag's "ragapp.rag.embedding.batch.size" histogram since the last reset.</summary>
    private sealed class BatchSizes : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _batches;
        private long _questions;

        public BatchSizes()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "RagApp.Rag" && instrument.Name == "ragapp.rag.embedding.batch.size")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, size, _, _) =>
            {
                Interlocked.Increment(ref _batches);
                Interlocked.Add(ref _questions, size);
            });
            _listener.Start();
        }

        public double Mean => _batches == 0 ? 0 : (double)Interlocked.Read(ref _questions) / Interlocked.Read(ref _batches);

        public void Reset()
        {
            Interlocked.Exchange(ref _batches, 0);
            Interlocked.Exchange(ref _questions, 0);
        }

        public void Dispose() => _listener.Dispose();
    }
}
