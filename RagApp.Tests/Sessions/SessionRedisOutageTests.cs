using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using System.Diagnostics.Metrics;
using RagApp.Core.Grpc.V1;
using RagApp.Tests.Index;
using RagApp.Tests.Queue;

namespace RagApp.Tests.Sessions;

/// <summary>
/// Redis trouble costs a follow-up its history, never its answer: with the session's Redis stopped, or never there,
/// questions naming a session are answered as one-off questions, promptly, and the failures are counted.
/// </summary>
public sealed class SessionRedisOutageTests : IDisposable
{
    private const int Timeout = 180_000;
    private const string First = "When was Ann Arbor founded?";
    private const string FollowUp = "and what university moved there?";

    private readonly TestDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact(Timeout = Timeout)]
    public async Task RedisStopped_FollowUpIsAnsweredWithoutHistory_AndTheFailuresAreCounted()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var garnet = new GarnetQueueServerFixture();
        await garnet.InitializeAsync();
        var garnetStopped = false;
        try
        {
            await using var host = await StartAsync(garnet.ConnectionString, cancellationToken);
            using var failures = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "RagApp.Rag", "ragapp.rag.session.store.failures");
            var session = Guid.NewGuid().ToString();
            var first = await host.Rag.QueryAsync(new QueryRequest { Question = First, SessionId = session }, cancellationToken: cancellationToken);
            Assert.Empty(failures.GetMeasurementSnapshot());

            await garnet.DisposeAsync();
            garnetStopped = true;
            var followUp = await host.Rag.QueryAsync(new QueryRequest { Question = FollowUp, SessionId = session }, cancellationToken: cancellationToken);
            var streamed = await ReadCompletionAsync(host.Rag, new QueryRequest { Question = FollowUp, SessionId = session }, cancellationToken);

            Assert.Equal("ann-arbor", first.Sources[0].DocumentId);
            foreach (var (question, answer) in new[] { (followUp.RetrievalQuestion, followUp.Answer), (streamed.RetrievalQuestion, streamed.Answer) })
            {
                Assert.Equal(FollowUp, question);
                Assert.NotEmpty(answer);
            }

            var measurements = failures.GetMeasurementSnapshot();
            Assert.Equal(2, measurements.Count(measurement => (string?)measurement.Tags["operation"] == "load"));
            Assert.Equal(2, measurements.Count(measurement => (string?)measurement.Tags["operation"] == "append"));
        }
        finally
        {
            if (!garnetStopped)
            {
                await garnet.DisposeAsync();
            }
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task RedisThatNeverAnswers_QuestionIsAnsweredWithinTheSessionTimeout_NotTheConnectTimeout()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // A port that accepts connections and never replies (a hung server, or a black-holed network): the client
        // would wait 20 s for its handshake; the session timeout (0.5 s) must cut the wait, for the read and the write.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        await using var host = await StartAsync($"127.0.0.1:{port},connectTimeout=20000,connectRetry=0", cancellationToken, timeout: "00:00:00.500");
        using var failures = new MetricCollector<long>(host.Services.GetRequiredService<IMeterFactory>(), "RagApp.Rag", "ragapp.rag.session.store.failures");
        // Warm the model and the index first, so that the time measured below is the session's.
        await host.Rag.QueryAsync(new QueryRequest { Question = First }, cancellationToken: cancellationToken);

        var stopwatch = Stopwatch.StartNew();
        var response = await host.Rag.QueryAsync(new QueryRequest { Question = First, SessionId = Guid.NewGuid().ToString() }, cancellationToken: cancellationToken);
        stopwatch.Stop();

        Assert.Equal("ann-arbor", response.Sources[0].DocumentId);
        Assert.Contains("1824", response.Answer, StringComparison.Ordinal);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"Answered after {stopwatch.Elapsed.TotalSeconds:F1} s with Redis away; the session timeout is 0.5 s.");
        var measurements = failures.GetMeasurementSnapshot();
        Assert.Equal(["append", "load"], measurements.Select(measurement => (string?)measurement.Tags["operation"]).Order());
        Assert.All(measurements, measurement => Assert.Equal("timeout", measurement.Tags["reason"]));
    }

    private async Task<IndexServiceHost> StartAsync(string connectionString, CancellationToken cancellationToken, string? timeout = null)
    {
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:redis"] = connectionString };
        if (timeout is not null)
        {
            settings["Rag:Sessions:Timeout"] = timeout;
        }

        var host = await IndexServiceHost.StartAsync(_directory.Path, settings, withQueries: true);
        await SessionCorpus.IndexAsync(host, cancellationToken);
        return host;
    }

    private static async Task<QueryCompleted> ReadCompletionAsync(RagService.RagServiceClient rag, QueryRequest request, CancellationToken cancellationToken)
    {
        using var call = rag.QueryStream(request, cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            if (call.ResponseStream.Current.EventCase == QueryStreamEvent.EventOneofCase.Completed)
            {
                return call.ResponseStream.Current.Completed;
            }
        }

        throw new InvalidOperationException("The stream ended without a completion.");
    }
}
