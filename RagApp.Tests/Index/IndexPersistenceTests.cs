using Grpc.Core;
using RagApp.Core.Grpc.V1;
using RagApp.Rag.Index.Embedded;

namespace RagApp.Tests.Index;

/// <summary>The embedded store across restarts: everything comes back, and a crash mid-write costs only that write.</summary>
public sealed class IndexPersistenceTests : IDisposable
{
    private readonly TestDirectory _directory = new();
    private readonly Random _random = new(7);

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    private string LogPath => _directory.File(EmbeddedVectorStore.LogFileName);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Restart_RestoresDocumentsChunksVectorsAndGeneration()
    {
        var kept = TestDocument.Create("kept", _random, "one", "two", "three") with
        {
            Metadata = new Dictionary<string, string> { ["lang"] = "en" },
        };
        IndexStats before;
        GetDocumentChunksResponse chunksBefore;
        DocumentInfo infoBefore;
        await using (var host = await IndexServiceHost.StartAsync(_directory.Path))
        {
            await host.Client.UpsertAsync(TestDocument.Create("replaced", _random, "old a", "old b", "old c"));
            await host.Client.UpsertAsync(kept);
            await host.Client.UpsertAsync(TestDocument.Create("replaced", _random, "new a"));
            await host.Client.UpsertAsync(TestDocument.Create("deleted", _random, "gone"));
            await host.Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = "deleted" }, cancellationToken: CancellationToken);
            before = await host.Client.StatsAsync();
            chunksBefore = await host.Client.ChunksAsync("kept", includeVectors: true);
            infoBefore = await host.Client.GetDocumentAsync(new GetDocumentRequest { DocumentId = "kept" }, cancellationToken: CancellationToken);
        }

        await using var restarted = await IndexServiceHost.StartAsync(_directory.Path);

        var after = await restarted.Client.StatsAsync();
        Assert.Equal(before, after);
        Assert.Equal(5, after.Generation);
        Assert.Equal(2, after.DocumentCount);
        Assert.Equal(4, after.ChunkCount);
        Assert.Equal(chunksBefore, await restarted.Client.ChunksAsync("kept", includeVectors: true));
        Assert.Equal(infoBefore, await restarted.Client.GetDocumentAsync(new GetDocumentRequest { DocumentId = "kept" }, cancellationToken: CancellationToken));
        Assert.Equal(["new a"], (await restarted.Client.ChunksAsync("replaced")).Chunks.Select(chunk => chunk.Text));
        var hits = await restarted.Store.SearchAsync(kept.Vectors[2], "three", 1, null, null, CancellationToken);
        Assert.Equal(2, Assert.Single(hits).Chunk.Ordinal);
        Assert.Equal(6, (await restarted.Client.UpsertAsync(TestDocument.Create("after", _random, "after"))).Generation);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(100)]
    public async Task TornLogTail_LoadsTheLastCompleteState(int bytesCut)
    {
        await using (var host = await IndexServiceHost.StartAsync(_directory.Path))
        {
            await host.Client.UpsertAsync(TestDocument.Create("first", _random, "first one", "first two"));
            await host.Client.UpsertAsync(TestDocument.Create("second", _random, "second one", "second two"));
        }

        // A crash mid-write leaves the last record cut short.
        using (var log = new FileStream(LogPath, FileMode.Open))
        {
            log.SetLength(log.Length - bytesCut);
        }

        await using (var restarted = await IndexServiceHost.StartAsync(_directory.Path))
        {
            var stats = await restarted.Client.StatsAsync();
            Assert.Equal(1, stats.Generation);
            Assert.Equal(1, stats.DocumentCount);
            Assert.Equal(2, stats.ChunkCount);
            var missing = await Assert.ThrowsAsync<RpcException>(async () =>
                await restarted.Client.GetDocumentAsync(new GetDocumentRequest { DocumentId = "second" }, cancellationToken: CancellationToken));
            Assert.Equal(StatusCode.NotFound, missing.StatusCode);

            // The damaged bytes were cut off, so a new record lands after the last good one and survives.
            Assert.Equal(2, (await restarted.Client.UpsertAsync(TestDocument.Create("third", _random, "third"))).Generation);
        }

        await using var again = await IndexServiceHost.StartAsync(_directory.Path);
        var final = await again.Client.StatsAsync();
        Assert.Equal(2, final.Generation);
        Assert.Equal(2, final.DocumentCount);
    }

    [Fact]
    public async Task CorruptLastRecord_IsDiscarded_NotFatal()
    {
        await using (var host = await IndexServiceHost.StartAsync(_directory.Path))
        {
            await host.Client.UpsertAsync(TestDocument.Create("first", _random, "first"));
            await host.Client.UpsertAsync(TestDocument.Create("second", _random, "second"));
        }

        using (var log = new FileStream(LogPath, FileMode.Open))
        {
            log.Position = log.Length - 3;
            var value = log.ReadByte();
            log.Position = log.Length - 3;
            log.WriteByte((byte)(value ^ 0xFF));
        }

        await using var restarted = await IndexServiceHost.StartAsync(_directory.Path);
        var stats = await restarted.Client.StatsAsync();
        Assert.Equal(1, stats.Generation);
        Assert.Equal(1, stats.DocumentCount);
    }

    [Fact]
    public async Task Snapshot_FoldsTheLog_AndRestartLoadsSnapshotPlusLog()
    {
        await using (var host = await IndexServiceHost.StartAsync(_directory.Path))
        {
            await host.Client.UpsertAsync(TestDocument.Create("a", _random, "a one", "a two"));
            await host.Client.UpsertAsync(TestDocument.Create("b", _random, "b one"));
            var logBefore = new FileInfo(LogPath).Length;

            await host.EmbeddedStore.SnapshotAsync(CancellationToken);

            Assert.True(new FileInfo(LogPath).Length < logBefore);
            Assert.Equal(0, host.EmbeddedStore.LogRecordCount);
            await host.Client.UpsertAsync(TestDocument.Create("c", _random, "c one"));
            await host.Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = "a" }, cancellationToken: CancellationToken);
        }

        await using var restarted = await IndexServiceHost.StartAsync(_directory.Path);
        var stats = await restarted.Client.StatsAsync();
        Assert.Equal(4, stats.Generation);
        Assert.Equal(2, stats.DocumentCount);
        Assert.Equal(2, stats.ChunkCount);
        Assert.Equal(["b one"], (await restarted.Client.ChunksAsync("b")).Chunks.Select(chunk => chunk.Text));
    }

    [Fact]
    public async Task CrashBetweenSnapshotAndLogTruncation_ReplaysNothingTwice()
    {
        await using (var host = await IndexServiceHost.StartAsync(_directory.Path))
        {
            await host.Client.UpsertAsync(TestDocument.Create("a", _random, "a one", "a two"));
            await host.Client.UpsertAsync(TestDocument.Create("b", _random, "b one"));
            await host.Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = "b" }, cancellationToken: CancellationToken);
        }

        // The log is locked while a store has it open: copy it between runs.
        var logBeforeSnapshot = await File.ReadAllBytesAsync(LogPath, CancellationToken);
        await using (var host = await IndexServiceHost.StartAsync(_directory.Path))
        {
            await host.EmbeddedStore.SnapshotAsync(CancellationToken);
        }

        // As if the process died after renaming the snapshot into place but before emptying the log.
        await File.WriteAllBytesAsync(LogPath, logBeforeSnapshot, CancellationToken);

        await using var restarted = await IndexServiceHost.StartAsync(_directory.Path);
        var stats = await restarted.Client.StatsAsync();
        Assert.Equal(3, stats.Generation);
        Assert.Equal(1, stats.DocumentCount);
        Assert.Equal(2, stats.ChunkCount);
    }

    [Fact]
    public async Task SnapshotService_SnapshotsOnceTheLogPassesItsThreshold()
    {
        var settings = new Dictionary<string, string?> { ["VectorStore:SnapshotLogSizeBytes"] = "4096" };
        await using var host = await IndexServiceHost.StartAsync(_directory.Path, settings);
        foreach (var name in new[] { "a", "b", "c", "d" })
        {
            await host.Client.UpsertAsync(TestDocument.Create(name, _random, $"{name} one", $"{name} two", $"{name} three", $"{name} four"));
        }

        // The service checks every few seconds; poll (bounded) rather than sleep a fixed time.
        var snapshot = _directory.File(EmbeddedVectorStore.SnapshotFileName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while (!File.Exists(snapshot) || host.EmbeddedStore.LogRecordCount > 0)
        {
            await Task.Delay(100, timeout.Token);
        }

        Assert.Equal(4, (await host.Client.StatsAsync()).DocumentCount);
    }
}
