using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Answers;
using RagApp.Tests.Index;

namespace RagApp.Tests.Sessions;

/// <summary>
/// A client that cancels a query cancels the server's work: the answerer's token fires and the query is recorded as
/// "cancelled". The answerer is a <see cref="BlockingAnswerer"/>, a stand-in for a slow chat model (the extractive
/// answerer is done before a cancellation could reach it).
/// </summary>
public sealed class QueryCancellationTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TestDirectory _directory = new();
    private readonly BlockingAnswerer _answerer = new();
    private IndexServiceHost _host = null!;

    public async ValueTask InitializeAsync() =>
        _host = await IndexServiceHost.StartAsync(_directory.Path, withQueries: true,
            configure: builder => builder.Services.AddSingleton<IAnswerer>(_answerer));

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Fact(Timeout = 120_000)]
    public async Task QueryStream_CancelledByTheClientWhileAnswering_CancelsTheServersWork_WithBlockingAnswerer()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var outcomes = new MetricCollector<double>(_host.Services.GetRequiredService<IMeterFactory>(), "RagApp.Rag", "ragapp.rag.query.duration");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = _host.Rag.QueryStream(new QueryRequest { Question = "What makes a volcano erupt?" }, cancellationToken: cancel.Token);

        // Sources, then the first delta: the server is inside the answerer now.
        Assert.True(await call.ResponseStream.MoveNext(cancellationToken));
        Assert.Equal(QueryStreamEvent.EventOneofCase.Sources, call.ResponseStream.Current.EventCase);
        Assert.True(await call.ResponseStream.MoveNext(cancellationToken));
        Assert.Equal(QueryStreamEvent.EventOneofCase.Delta, call.ResponseStream.Current.EventCase);
        await _answerer.Started.Task.WaitAsync(Bound, cancellationToken);
        await cancel.CancelAsync();

        var refusal = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Cancelled, refusal.StatusCode);
        await _answerer.Cancelled.Task.WaitAsync(Bound, cancellationToken);
        await AssertRecordedCancelledAsync(outcomes, cancellationToken);
    }

    [Fact(Timeout = 120_000)]
    public async Task Query_CancelledByTheClientWhileAnswering_CancelsTheServersWork_WithBlockingAnswerer()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var outcomes = new MetricCollector<double>(_host.Services.GetRequiredService<IMeterFactory>(), "RagApp.Rag", "ragapp.rag.query.duration");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var call = _host.Rag.QueryAsync(new QueryRequest { Question = "What makes a volcano erupt?" }, cancellationToken: cancel.Token);

        await _answerer.Started.Task.WaitAsync(Bound, cancellationToken);
        await cancel.CancelAsync();

        var refusal = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.Cancelled, refusal.StatusCode);
        await _answerer.Cancelled.Task.WaitAsync(Bound, cancellationToken);
        await AssertRecordedCancelledAsync(outcomes, cancellationToken);
    }

    private static async Task AssertRecordedCancelledAsync(MetricCollector<double> outcomes, CancellationToken cancellationToken)
    {
        // Recorded as the cancellation unwinds the server's call, just after the answerer saw it.
        await outcomes.WaitForMeasurementsAsync(1, Bound).WaitAsync(cancellationToken);
        var outcome = Assert.Single(outcomes.GetMeasurementSnapshot());
        Assert.Equal("cancelled", outcome.Tags["outcome"]);
    }
}
