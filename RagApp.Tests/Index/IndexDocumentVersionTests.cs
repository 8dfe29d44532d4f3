using RagApp.Core.Grpc.V1;

namespace RagApp.Tests.Index;

/// <summary>
/// Document versions through the real gRPC service and the embedded store: an older write never replaces or undoes a
/// newer one, whatever order jobs reach the index in, and the rule survives a restart (log replay and snapshot).
/// </summary>
public sealed class IndexDocumentVersionTests : IAsyncLifetime
{
    private readonly TestDirectory _directory = new();
    private readonly Random _random = new(11);
    private IndexServiceHost _host = null!;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    private IndexService.IndexServiceClient Client => _host.Client;

    public async ValueTask InitializeAsync() => _host = await IndexServiceHost.StartAsync(_directory.Path);

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        _directory.Dispose();
    }

    [Fact]
    public async Task OlderReplace_AfterANewerOne_IsSupersededAndChangesNothing()
    {
        var newer = await Client.UpsertAsync(Doc("doc", 2, "short new version"));
        var older = await Client.UpsertAsync(Doc("doc", 1, "long old version", "with a second chunk"));

        Assert.False(newer.Superseded);
        Assert.True(older.Superseded);
        Assert.Equal(2, older.CurrentVersion);
        Assert.Equal(newer.Generation, older.Generation);
        Assert.Equal(["short new version"], await TextsAsync("doc"));
        Assert.Equal(2, (await InfoAsync("doc")).Version);
    }

    [Fact]
    public async Task SameVersionAgain_IsTheSameSubmissionRedelivered_AndApplies()
    {
        await Client.UpsertAsync(Doc("doc", 3, "first delivery"));
        var again = await Client.UpsertAsync(Doc("doc", 3, "second delivery"));

        Assert.False(again.Superseded);
        Assert.Equal(["second delivery"], await TextsAsync("doc"));
    }

    [Fact]
    public async Task VersionedDelete_LeavesATombstone_ThatRefusesOlderReplacesButNotNewerOnes()
    {
        // The delete arrives before the upload it was queued after: nothing to remove, but the tombstone must hold.
        var deletion = await DeleteAsync("doc", 2);
        Assert.False(deletion.Deleted);
        Assert.False(deletion.Superseded);
        Assert.Equal(2, deletion.CurrentVersion);

        var late = await Client.UpsertAsync(Doc("doc", 1, "uploaded before the delete"));
        Assert.True(late.Superseded);
        Assert.Null(await FindAsync("doc"));

        var later = await Client.UpsertAsync(Doc("doc", 3, "uploaded after the delete"));
        Assert.False(later.Superseded);
        Assert.Equal(["uploaded after the delete"], await TextsAsync("doc"));
    }

    [Fact]
    public async Task OlderDelete_AfterANewerReplace_IsSupersededAndRemovesNothing()
    {
        await Client.UpsertAsync(Doc("doc", 5, "kept"));

        var deletion = await DeleteAsync("doc", 4);

        Assert.True(deletion.Superseded);
        Assert.False(deletion.Deleted);
        Assert.Equal(5, deletion.CurrentVersion);
        Assert.Equal(["kept"], await TextsAsync("doc"));
    }

    [Fact]
    public async Task UnversionedWrites_AlwaysApply_AndLeaveTheHeldVersionInPlace()
    {
        await Client.UpsertAsync(Doc("doc", 4, "versioned"));
        var unversioned = await Client.UpsertAsync(Doc("doc", 0, "unversioned"));
        var older = await Client.UpsertAsync(Doc("doc", 3, "older"));

        Assert.False(unversioned.Superseded);
        Assert.Equal(4, unversioned.CurrentVersion);
        Assert.True(older.Superseded);
        Assert.Equal(["unversioned"], await TextsAsync("doc"));
    }

    [Fact]
    public async Task Batch_OrdersTwoEntriesOfOneDocumentLikeTwoCalls()
    {
        var response = await Client.UpsertDocumentsAsync(
            new UpsertDocumentsRequest { Documents = { Doc("doc", 7, "newer").Upsert(), Doc("doc", 6, "older").Upsert(), Doc("other", 1, "x").Upsert() } },
            cancellationToken: CancellationToken);

        Assert.Equal([false, true, false], response.Results.Select(result => result.Superseded));
        Assert.Equal(7, response.Results[1].CurrentVersion);
        Assert.Equal(0, response.Results[1].ChunkCount);
        Assert.Equal(["newer"], await TextsAsync("doc"));
    }

    [Fact]
    public async Task KeepChunks_RecordsTheNewVersionAndDescription_AndKeepsChunksAndVectors()
    {
        var original = Doc("doc", 1, "same text", "same second chunk");
        await Client.UpsertAsync(original);
        var chunksBefore = await Client.ChunksAsync("doc", includeVectors: true);

        var resubmitted = original with { Version = 2, Title = "A new title", Metadata = new Dictionary<string, string> { ["team"] = "core" } };
        var response = await Client.UpsertDocumentsAsync(new UpsertDocumentsRequest { Documents = { resubmitted.Keep() } }, cancellationToken: CancellationToken);

        var result = Assert.Single(response.Results);
        Assert.Equal(0, result.StatusCode);
        Assert.False(result.ChunksMissing);
        Assert.False(result.Superseded);
        Assert.Equal(2, result.ChunkCount);
        var info = await InfoAsync("doc");
        Assert.Equal((2L, "A new title", "core", 2), (info.Version, info.Title, info.Metadata["team"], info.ChunkCount));
        Assert.Equal(chunksBefore, await Client.ChunksAsync("doc", includeVectors: true));
        Assert.True((await Client.UpsertAsync(Doc("doc", 1, "stale"))).Superseded);
    }

    [Fact]
    public async Task KeepChunks_WithoutTheContentItNames_WritesNothing()
    {
        await Client.UpsertAsync(Doc("changed", 1, "what the index holds"));
        var differs = Doc("changed", 2, "other text").Keep();
        var missing = Doc("missing", 1, "never indexed").Keep();

        var response = await Client.UpsertDocumentsAsync(new UpsertDocumentsRequest { Documents = { differs, missing } }, cancellationToken: CancellationToken);

        Assert.All(response.Results, result => Assert.True(result.ChunksMissing));
        Assert.Equal(1, (await InfoAsync("changed")).Version);
        Assert.Null(await FindAsync("missing"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task VersionsAndTombstones_SurviveARestart(bool snapshotFirst)
    {
        await Client.UpsertAsync(Doc("deleted", 1, "soon gone"));
        await DeleteAsync("deleted", 2);
        await DeleteAsync("never-seen", 9);
        await Client.UpsertAsync(Doc("overwritten", 5, "versioned"));
        await Client.UpsertAsync(Doc("overwritten", 0, "unversioned"));
        await Client.UpsertAsync(Doc("kept", 3, "kept text"));
        await Client.UpsertDocumentsAsync(
            new UpsertDocumentsRequest { Documents = { (Doc("kept", 4, "kept text") with { Title = "renamed" }).Keep() } }, cancellationToken: CancellationToken);
        if (snapshotFirst)
        {
            await _host.EmbeddedStore.SnapshotAsync(CancellationToken);
        }

        await _host.DisposeAsync();
        _host = await IndexServiceHost.StartAsync(_directory.Path);

        Assert.True((await Client.UpsertAsync(Doc("deleted", 1, "late upload"))).Superseded);
        Assert.True((await Client.UpsertAsync(Doc("never-seen", 8, "late upload"))).Superseded);
        Assert.True((await Client.UpsertAsync(Doc("overwritten", 4, "older"))).Superseded);
        Assert.Equal(["unversioned"], await TextsAsync("overwritten"));
        var kept = await InfoAsync("kept");
        Assert.Equal((4L, "renamed", 1), (kept.Version, kept.Title, kept.ChunkCount));
        Assert.True((await Client.UpsertAsync(Doc("kept", 3, "older"))).Superseded);
        Assert.False((await Client.UpsertAsync(Doc("deleted", 3, "newer upload"))).Superseded);
    }

    private TestDocument Doc(string documentId, long version, params string[] texts) =>
        TestDocument.Create(documentId, _random, texts) with { Version = version };

    private async Task<DeleteDocumentResponse> DeleteAsync(string documentId, long version) =>
        await Client.DeleteDocumentAsync(new DeleteDocumentRequest { DocumentId = documentId, Version = version }, cancellationToken: CancellationToken);

    private async Task<DocumentInfo?> FindAsync(string documentId) =>
        (await Client.GetDocumentsAsync(new GetDocumentsRequest { DocumentIds = { documentId } }, cancellationToken: CancellationToken)).Documents.SingleOrDefault();

    private async Task<DocumentInfo> InfoAsync(string documentId) =>
        await FindAsync(documentId) ?? throw new Xunit.Sdk.XunitException($"document '{documentId}' is not in the index");

    private async Task<List<string>> TextsAsync(string documentId) =>
        [.. (await Client.ChunksAsync(documentId)).Chunks.Select(chunk => chunk.Text)];
}
