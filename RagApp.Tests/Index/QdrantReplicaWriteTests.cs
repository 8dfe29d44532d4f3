using RagApp.Core.Redis;
using RagApp.Garnet;
using RagApp.Tests.Support;
using StackExchange.Redis;

namespace RagApp.Tests.Index;

/// <summary>
/// Two Qdrant stores, as two RagApp.Rag replicas, write the same documents at once through one shared Qdrant and one
/// real Redis (Garnet in-process) that coordinates them. Qdrant is <see cref="FakeQdrantServer"/> (no server runs here),
/// with the requests of both stores interleaving; the counter, versions and locks are the real Redis scripts.
/// </summary>
public sealed class QdrantReplicaWriteTests : IDisposable
{
    private const int Timeout = 120_000;
    private const string Chunks = "ragapp_chunks";
    private const string Registry = "ragapp_chunks_documents";

    private readonly string _garnetDirectory = Directory.CreateTempSubdirectory("ragapp-replicas-garnet-").FullName;
    private readonly string _password = Guid.NewGuid().ToString("N");
    private readonly int _port = RagApp.AppHost.Infrastructure.FreeLocalPort.Next();
    private readonly ReplicaDocuments _documents = new(20261203);
    private readonly FakeQdrantServer _server = new() { Interleave = true };

    public void Dispose()
    {
        try
        {
            Directory.Delete(_garnetDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A server still flushing its last file; the temp folder goes eventually.
        }
    }

    [Fact(Timeout = Timeout)]
    public async Task TwoReplicas_ReplacingTheSameDocumentsAtOnce_GetDistinctGenerations_AndTheNewestWriteOfEachDocumentStandsWhole_WithFakeQdrant()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var garnet = StartGarnet();
        await using var replicaA = await QdrantReplica.StartAsync(_server, ConnectionString, Chunks);
        await using var replicaB = await QdrantReplica.StartAsync(_server, ConnectionString, Chunks);
        string[] documents = ["alpha", "beta", "gamma"];
        var writes = await _documents.RaceAsync(replicaA, replicaB, documents, rounds: 12, cancellationToken);

        Assert.Equal(writes.Count, writes.Select(write => write.Generation).Distinct().Count());
        var points = _server.Points(Chunks).Values.ToList();
        foreach (var document in documents)
        {
            var newest = writes.Where(write => write.Document == document).MaxBy(write => write.Generation);
            var stored = points.Where(point => point.Payload["document_id"].StringValue == document).ToList();
            Assert.Equal(newest.Texts.Order(), stored.Select(point => point.Payload["text"].StringValue).Order());
            Assert.All(stored, point => Assert.Equal(newest.Generation, point.Payload["generation"].IntegerValue));
            var held = await replicaB.Store.GetDocumentAsync(document, cancellationToken);
            Assert.Equal(newest.Texts.Length, held!.ChunkCount);
            Assert.Equal(newest.Texts, (await replicaA.Store.GetChunksAsync(document, false, cancellationToken))!.Select(chunk => chunk.Text));
        }

        var last = writes.Max(write => write.Generation);
        Assert.Equal(last, await replicaA.Store.GetGenerationAsync(cancellationToken));
        Assert.Equal(last, await replicaB.Store.GetGenerationAsync(cancellationToken));
        Assert.Equal(documents.Length, (await replicaA.Store.GetStatsAsync(cancellationToken)).DocumentCount);
    }

    [Fact(Timeout = Timeout)]
    public async Task TwoReplicas_VersionedWritesArrivingInAnyOrder_KeepTheNewestVersion_AndADeleteBetweenThemLeavesNothingOlder_WithFakeQdrant()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var garnet = StartGarnet();
        await using var replicaA = await QdrantReplica.StartAsync(_server, ConnectionString, Chunks);
        await using var replicaB = await QdrantReplica.StartAsync(_server, ConnectionString, Chunks);
        var versions = Enumerable.Range(1, 16).Select(version => (long)version).ToArray();
        _documents.Shuffle(versions);
        const long deletedAt = 9;

        var tasks = versions.Select((version, i) =>
        {
            var store = i % 2 == 0 ? replicaA.Store : replicaB.Store;
            return version == deletedAt
                ? store.DeleteDocumentAsync("doc", version, cancellationToken)
                : (Task)store.ReplaceDocumentAsync(ReplicaDocuments.Document("doc") with { Version = version }, _documents.ChunksOf("doc", ReplicaDocuments.Texts("v", (int)version, "doc", 1 + (int)(version % 4))), cancellationToken);
        });
        await Task.WhenAll(tasks);

        var held = await replicaA.Store.GetDocumentAsync("doc", cancellationToken);
        Assert.Equal(16, held!.Version);
        var stored = _server.Points(Chunks).Values.Select(point => point.Payload["text"].StringValue).Order();
        Assert.Equal(ReplicaDocuments.Texts("v", 16, "doc", 1), stored);

        // The version every write left behind refuses the ones that come late, on either replica.
        Assert.True((await replicaB.Store.ReplaceDocumentAsync(ReplicaDocuments.Document("doc") with { Version = 15 }, _documents.ChunksOf("doc", ["late"]), cancellationToken)).Superseded);
        Assert.True((await replicaA.Store.DeleteDocumentAsync("doc", 3, cancellationToken)).Superseded);
    }

    [Fact(Timeout = Timeout)]
    public async Task TwoReplicas_PublishUnderOneIdentity_SoALatePublicationOfAnOlderGenerationNeverReplacesANewerOne_WithFakeQdrant()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var garnet = StartGarnet();
        await using var replicaA = await QdrantReplica.StartAsync(_server, ConnectionString, Chunks);
        await using var replicaB = await QdrantReplica.StartAsync(_server, ConnectionString, Chunks);
        await replicaA.Store.ReplaceDocumentAsync(ReplicaDocuments.Document("doc"), _documents.ChunksOf("doc", ["one"]), cancellationToken);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
        using var publisherA = replicaA.Publisher();
        using var publisherB = replicaB.Publisher();
        await publisherA.StartAsync(cancellationToken);
        await publisherB.StartAsync(cancellationToken);
        // Both publish the generation the shared counter holds at start-up.
        var atStart = await Eventually.GetAsync(() => ReplicaDocuments.ReadTokenAsync(redis), "the start-up publication", TimeSpan.FromSeconds(30), cancellationToken);

        await publisherA.PublishAsync(100, cancellationToken);
        // Replica B's write of 99 finished before A's of 100, but its publication comes last (a retry, a slow network).
        await publisherB.PublishAsync(99, cancellationToken);

        Assert.Equal(new IndexGenerationToken(atStart.Identity, 100), await ReplicaDocuments.ReadTokenAsync(redis));
        await publisherA.StopAsync(cancellationToken);
        await publisherB.StopAsync(cancellationToken);
    }

    private string ConnectionString => $"127.0.0.1:{_port},password={_password}";

    private EmbeddedGarnetServer StartGarnet() => EmbeddedGarnetServer.Start(new GarnetHostOptions
    {
        Port = _port,
        Password = _password,
        DataDirectory = _garnetDirectory,
    });
}
